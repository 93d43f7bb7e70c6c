/// What a loader produced: the manifest when the file could be read as one (possibly with
/// item-level problems), and every problem found while loading.
public struct ManifestLoadResult: Sendable {
    /// Nil when the file could not be read or parsed at all.
    public var manifest: Manifest?
    public var diagnostics: [Diagnostic]

    public init(manifest: Manifest?, diagnostics: [Diagnostic]) {
        self.manifest = manifest
        self.diagnostics = diagnostics
    }
}
