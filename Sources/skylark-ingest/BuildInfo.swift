// What a development build knows about where it came from: nothing.
//
// `scripts/package` writes `BuildInfo+Package.swift` beside this file (gitignored) with the commit it
// builds, and builds with `-Xswiftc -DSKYLARK_PACKAGE_BUILD`, which swaps this fallback for that file.
// A plain `swift build` never sees the flag, so it compiles this fallback (and a leftover generated
// file compiles to nothing); a packaging build without the generated file fails to compile instead of
// shipping a binary that does not know its commit.
#if !SKYLARK_PACKAGE_BUILD
enum BuildInfo {
    /// The git commit (40 hex digits, `-dirty` when the tree had uncommitted changes), or nil.
    static let commit: String? = nil
}
#endif
