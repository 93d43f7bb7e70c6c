/// Skylark object uids, e.g. `asse_35bbd8a914c84cd3850158ec2783f42a`: four lower-case letters (the kind),
/// `_`, 32 lower-case hex digits; and the API paths that name them. One set of rules for the manifest's `uid`
/// and `upload --asset-uid`, the pipeline's adapter and the sandbox (which also makes new ones).
public enum SkylarkUID {
    /// The kinds of object and their prefixes.
    public enum Kind: String, Sendable, CaseIterable {
        case asset = "asse"
        case assetType = "asty"
        case textTrack = "text"
        case documentType = "doct"
        case document = "docu"

        /// The collection path segment of this kind (`assets`, `text-tracks`, …).
        public var collection: String {
            switch self {
            case .asset: return "assets"
            case .assetType: return "asset-types"
            case .textTrack: return "text-tracks"
            case .documentType: return "document-types"
            case .document: return "documents"
            }
        }
    }

    /// Whether `uid` has the shape `^[a-z]{4}_[0-9a-f]{32}$`.
    public static func isValid(_ uid: String) -> Bool {
        let bytes = Array(uid.utf8)
        guard bytes.count == 37, bytes[4] == 0x5F else { return false }
        for b in bytes[0..<4] where !(b >= 0x61 && b <= 0x7A) { return false }
        for b in bytes[5...] where !((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66)) { return false }
        return true
    }

    /// `UID_INVALID` when `uid` does not have the shape; `name` says where it was given (`` `uid` ``, `--asset-uid`).
    public static func problem(_ uid: String, name: String = "`uid`") -> RuleProblem? {
        guard !isValid(uid) else { return nil }
        return RuleProblem(rule: DiagnosticRule.uidInvalid, message: "\(name) \(DiagnosticText.quoted(uid)) is not a Skylark uid",
                           hint: "a uid looks like `asse_35bbd8a914c84cd3850158ec2783f42a` (4 letters, `_`, 32 hex digits)")
    }

    /// Whether `text` has the shape of a uid of `kind`.
    public static func isValid(_ text: String, kind: Kind) -> Bool {
        text.hasPrefix(kind.rawValue + "_") && isValid(text)
    }

    /// The API path of an object: `/api/<collection>/<uid>/`.
    public static func path(_ kind: Kind, _ uid: String) -> String {
        "/api/\(kind.collection)/\(uid)/"
    }

    /// The uid named by `reference` if it is the path (or absolute URL) of a `kind` object.
    ///
    /// Accepts `/api/assets/asse_…/`, the same without the trailing slash, and `http://host/api/assets/asse_…/`.
    public static func parse(_ reference: String, kind: Kind) -> String? {
        var path = SkylarkReference.path(reference)
        if let query = path.firstIndex(of: "?") { path = path[..<query] }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0] == "api", parts[1] == kind.collection else { return nil }
        let uid = String(parts[2])
        return isValid(uid, kind: kind) ? uid : nil
    }
}
