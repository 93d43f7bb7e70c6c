import Foundation

/// Which part of the sandbox a request is for; faults and counters apply per area.
public enum RouteArea: Sendable, Equatable {
    case api, cognito, admin, media, credentials, unknown
}

/// A request path matched to the resource it names (pure; the responder dispatches on it).
public enum Route: Sendable, Equatable {
    case assetTypes, assetType(String)
    case assets, asset(String), assetByDataSource(String)
    case textTracks, textTrack(String)
    case documentTypes, documentType(String)
    case documents, document(String), documentUpload(String)
    case media(uid: String, fileName: String)
    case cognito
    case adminState, adminReset, adminFaults, adminToken, adminHealth
    /// AWS credential sources played for tests: IMDSv2, the container endpoint, STS.
    case imdsToken, imdsCredentials(role: String?), containerCredentials, sts, ssoRoleCredentials
    case unknown

    /// Matches a raw request path (percent-encoded, without query).
    public static func match(path: String) -> Route {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map {
            String($0).removingPercentEncoding ?? String($0)
        }
        switch parts.first {
        case "api"?: return matchAPI(Array(parts.dropFirst()))
        case "cognito"? where parts.count == 1: return .cognito
        case "latest"? where parts == ["latest", "api", "token"]: return .imdsToken
        case "latest"? where (parts.count == 4 || parts.count == 5)
            && Array(parts[1...3]) == ["meta-data", "iam", "security-credentials"]:
            return .imdsCredentials(role: parts.count == 5 ? parts[4] : nil)
        case "_creds"? where parts.count >= 2 && parts[1] == "container": return .containerCredentials
        case "_sts"? where parts.count == 1: return .sts
        case "federation"? where parts == ["federation", "credentials"]: return .ssoRoleCredentials
        case "media"? where parts.count == 4 && parts[1] == "documents": return .media(uid: parts[2], fileName: parts[3])
        case "_admin"? where parts.count == 2:
            switch parts[1] {
            case "state": return .adminState
            case "reset": return .adminReset
            case "faults": return .adminFaults
            case "token": return .adminToken
            case "health": return .adminHealth
            default: return .unknown
            }
        default: return .unknown
        }
    }

    private static func matchAPI(_ p: [String]) -> Route {
        switch (p.count, p.first) {
        case (1, "asset-types"?): return .assetTypes
        case (2, "asset-types"?): return .assetType(p[1])
        case (1, "assets"?): return .assets
        case (4, "assets"?) where p[1] == "versions" && p[2] == "data-source": return .assetByDataSource(p[3])
        case (2, "assets"?): return .asset(p[1])
        case (1, "text-tracks"?): return .textTracks
        case (2, "text-tracks"?): return .textTrack(p[1])
        case (1, "document-types"?): return .documentTypes
        case (2, "document-types"?): return .documentType(p[1])
        case (1, "documents"?): return .documents
        case (2, "documents"?): return .document(p[1])
        case (3, "documents"?) where p[2] == "upload": return .documentUpload(p[1])
        default: return .unknown
        }
    }

    /// The route template used for counters and logs (`/api/assets/{uid}/`).
    public var template: String {
        switch self {
        case .assetTypes: return "/api/asset-types/"
        case .assetType: return "/api/asset-types/{uid}/"
        case .assets: return "/api/assets/"
        case .asset: return "/api/assets/{uid}/"
        case .assetByDataSource: return "/api/assets/versions/data-source/{id}/"
        case .textTracks: return "/api/text-tracks/"
        case .textTrack: return "/api/text-tracks/{uid}/"
        case .documentTypes: return "/api/document-types/"
        case .documentType: return "/api/document-types/{uid}/"
        case .documents: return "/api/documents/"
        case .document: return "/api/documents/{uid}/"
        case .documentUpload: return "/api/documents/{uid}/upload/"
        case .media: return "/media/documents/{uid}/{file_name}"
        case .cognito: return "/cognito/"
        case .adminState: return "/_admin/state"
        case .adminReset: return "/_admin/reset"
        case .adminFaults: return "/_admin/faults"
        case .adminToken: return "/_admin/token"
        case .adminHealth: return "/_admin/health"
        case .imdsToken: return "/latest/api/token"
        case .imdsCredentials: return "/latest/meta-data/iam/security-credentials/{role}"
        case .containerCredentials: return "/_creds/container/"
        case .sts: return "/_sts/"
        case .ssoRoleCredentials: return "/federation/credentials"
        case .unknown: return "(unmatched)"
        }
    }

    /// The area the route belongs to.
    public var area: RouteArea {
        switch self {
        case .cognito: return .cognito
        case .adminState, .adminReset, .adminFaults, .adminToken, .adminHealth: return .admin
        case .media: return .media
        case .imdsToken, .imdsCredentials, .containerCredentials, .sts, .ssoRoleCredentials: return .credentials
        case .unknown: return .unknown
        default: return .api
        }
    }
}

/// Query-string parsing with `+` and percent decoding.
public enum QueryString {
    /// The first value of each name in `query` (`a=1&b=x%20y`).
    public static func parse(_ query: String?) -> [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(pieces[0])
            let value = pieces.count > 1 ? decode(pieces[1]) : ""
            if out[name] == nil { out[name] = value }
        }
        return out
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
