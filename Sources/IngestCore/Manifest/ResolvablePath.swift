/// Where an item's absolute path comes from: the manifest's folder, shared by every item of the
/// manifest (one string, reference-counted), joined with the path as written when asked; or an
/// absolute path given as it is (a model built in code, or a path set later).
///
/// A 500,000-item manifest keeps half a million written paths, not a second, longer copy of each.
struct ResolvablePath: Sendable, Hashable {
    /// The absolute folder written paths are resolved against, or the explicit path.
    private var base: String
    private var isExplicit: Bool

    /// Paths resolved against `folder` (absolute, normalised: `ManifestPaths.absoluteFolder`).
    static func folder(_ folder: String) -> ResolvablePath { ResolvablePath(base: folder, isExplicit: false) }

    /// `path`, whatever is written.
    static func explicit(_ path: String) -> ResolvablePath { ResolvablePath(base: path, isExplicit: true) }

    /// The folder written paths are resolved against; nil for an explicit path.
    var folder: String? { isExplicit ? nil : base }

    /// The absolute path of `written` (empty when `written` is).
    func resolve(_ written: String) -> String {
        if isExplicit { return base }
        if written.isEmpty { return "" }
        return ManifestPaths.absolute(written, folder: base)
    }

    /// A key equal for two paths exactly when they resolve to the same absolute path, built without
    /// allocating for a clean relative path (see `ManifestPaths.identity`), given the manifest's folder.
    func identity(_ written: String, folder: String) -> String {
        if !isExplicit && base == folder { return written.isEmpty ? "" : ManifestPaths.identity(written, folder: folder) }
        let resolved = resolve(written)
        return resolved.isEmpty ? "" : ManifestPaths.identity(resolved, folder: folder)
    }
}
