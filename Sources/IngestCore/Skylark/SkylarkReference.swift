import Foundation

/// References to Skylark objects as the API writes them: a `self` path (`/api/assets/asse_…/`) or
/// the same as an absolute URL.
public enum SkylarkReference {
    /// Whether `a` and `b` name the same object (same path; scheme, host and a trailing `/` aside).
    public static func same(_ a: String, _ b: String) -> Bool { path(a) == path(b) }

    /// The reference's path: without scheme and host, without trailing `/`.
    public static func path(_ reference: String) -> Substring {
        var rest = Substring(reference)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest[(rest.firstIndex(of: "/") ?? rest.endIndex)...]
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        return rest
    }
}
