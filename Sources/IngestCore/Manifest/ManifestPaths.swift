import Foundation

/// Resolves the paths written in a manifest against the manifest's folder.
///
/// Two forms are kept: an absolute path (what the stages open) and a display path relative to
/// where the user ran the tool when the manifest was named relatively (what diagnostics print).
public struct ManifestPaths: Sendable {
    /// The manifest's folder as the user named it (`manifests`, `.`, `/data/batch`).
    public let displayFolder: String
    /// The manifest's folder, absolute.
    public let absoluteFolder: String

    /// Paths for a manifest at `manifestPath`, relative paths taken from `currentDirectory`.
    public init(manifestPath: String, currentDirectory: String = FileManager.default.currentDirectoryPath) {
        let folder = ManifestPaths.folder(of: manifestPath)
        displayFolder = folder
        if folder.hasPrefix("/") {
            absoluteFolder = ManifestPaths.normalize(folder)
        } else {
            absoluteFolder = ManifestPaths.normalize(ManifestPaths.join(currentDirectory, folder))
        }
    }

    /// The absolute path of `written` (a path as it appears in the manifest).
    public func absolute(_ written: String) -> String { ManifestPaths.absolute(written, folder: absoluteFolder) }

    /// The absolute path of `written` resolved against `folder` (absolute and normalised).
    static func absolute(_ written: String, folder: String) -> String {
        if written.hasPrefix("/") { return normalize(written) }
        return normalize(join(folder, written))
    }

    /// A key that is equal for two paths exactly when their absolute paths (against `folder`, absolute
    /// and normalised) are: a path under `folder` is keyed by the clean relative path below it, any
    /// other by its absolute path. A clean relative path (no `.` or `..` component, no `//`, not
    /// starting with `.`) is its own key, with no new string.
    static func identity(_ written: String, folder: String) -> String {
        if isCleanRelative(written) { return written }
        let absolute = absolute(written, folder: folder)
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        if absolute.hasPrefix(prefix) {
            let below = String(absolute.dropFirst(prefix.count))
            if isCleanRelative(below) { return below }
        }
        return absolute
    }

    /// The absolute path an `identity` key stands for.
    static func path(ofIdentity key: String, folder: String) -> String {
        key.hasPrefix("/") ? key : join(folder, key)
    }

    /// Whether `join(folder, path)` is already normalised: `path` is relative and `normalize` would not change it.
    private static func isCleanRelative(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !needsNormalizing(path)
    }

    /// The path of `written` as diagnostics show it: relative to the user's folder when the manifest was.
    public func display(_ written: String) -> String {
        if written.hasPrefix("/") { return written }
        if displayFolder == "." || displayFolder.isEmpty { return written }
        return ManifestPaths.join(displayFolder, written)
    }

    /// The folder part of `path` (`.` when it has none).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component of `path`.
    public static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The extension of `path`'s file name, lower-cased, without the dot (empty when none).
    public static func fileExtension(of path: String) -> String {
        // ASCII paths (nearly all) by bytes; others by characters, as a combining mark joins a `/`
        // or `.` into a different character.
        let utf8 = path.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            var index = utf8.endIndex
            while index > utf8.startIndex {
                let before = utf8.index(before: index)
                switch utf8[before] {
                case UInt8(ascii: "/"): return ""
                case UInt8(ascii: "."):
                    if before == utf8.startIndex || utf8[utf8.index(before: before)] == UInt8(ascii: "/") { return "" }
                    return path[index...].lowercased()
                default: index = before
                }
            }
            return ""
        }
        let name = fileName(of: path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    static func join(_ a: String, _ b: String) -> String {
        if a.hasSuffix("/") { return a + b }
        return a + "/" + b
    }

    /// Whether `path` has a `/.` or `//` (or starts with `./`), i.e. something `normalize` would change.
    private static func needsNormalizing(_ path: String) -> Bool {
        if path.utf8.first == UInt8(ascii: ".") { return true }
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if previous == UInt8(ascii: "/") && (byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")) { return true }
            previous = byte
        }
        return false
    }

    /// Removes `.` components, resolves `..` lexically and collapses repeated slashes.
    static func normalize(_ path: String) -> String {
        guard needsNormalizing(path) else { return path }
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}
