import CryptoPrimitives
import Foundation

/// Skylark object identifiers: `<4 letters>_<32 lower-case hex digits>`.
public enum UID {
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

    /// A fresh random uid of `kind`.
    public static func make(_ kind: Kind) -> String {
        "\(kind.rawValue)_\(Hex.encode(SecureRandom.bytes(16)))"
    }

    /// Whether `text` has the shape of a uid of `kind`.
    public static func isValid(_ text: String, kind: Kind) -> Bool {
        let prefix = kind.rawValue + "_"
        guard text.hasPrefix(prefix) else { return false }
        let hex = text.dropFirst(prefix.count)
        return hex.count == 32 && hex.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// The API path of an object: `/api/<collection>/<uid>/`.
    public static func path(_ kind: Kind, _ uid: String) -> String {
        "/api/\(kind.collection)/\(uid)/"
    }

    /// The uid named by `reference` if it is the path (or absolute URL) of a `kind` object.
    ///
    /// Accepts `/api/assets/asse_…/`, the same without the trailing slash, and `http://host/api/assets/asse_…/`.
    public static func parse(_ reference: String, kind: Kind) -> String? {
        var path = Substring(reference)
        if let scheme = path.range(of: "://") {
            let rest = path[scheme.upperBound...]
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            path = rest[slash...]
        }
        if let query = path.firstIndex(of: "?") { path = path[..<query] }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0] == "api", parts[1] == kind.collection else { return nil }
        let uid = String(parts[2])
        return isValid(uid, kind: kind) ? uid : nil
    }
}
