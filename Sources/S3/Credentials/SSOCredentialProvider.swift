import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore

/// A profile's IAM Identity Center (SSO) settings: the access token the AWS CLI cached at
/// `~/.aws/sso/cache/<sha1>.json` (by `aws sso login`) is exchanged through GetRoleCredentials.
public struct SSOCredentialProvider: CredentialProvider {
    public let settings: SSOSettings
    public let home: String
    public let endpoint: String
    let http: CredentialHTTP
    let now: @Sendable () -> Date

    public init(settings: SSOSettings, environment: [String: String], http: any HTTPClient,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        endpoint = environment["AWS_ENDPOINT_URL_SSO"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "https://portal.sso.\(settings.region).amazonaws.com"
        self.http = CredentialHTTP(http: http)
        self.now = now
    }

    public var sourceDescription: String { "profile \(settings.profile) (sso)" }

    /// The cache file: SHA-1 of the session name (`sso_session`) or of the start URL (legacy profiles).
    public static func cachePath(home: String, settings: SSOSettings) -> String {
        let key = settings.sessionName ?? settings.startURL
        return "\(home)/.aws/sso/cache/" + Hex.encode(Digest.hash(.sha1, Array(key.utf8))) + ".json"
    }

    public func credentials() async throws -> AWSCredentials {
        let path = Self.cachePath(home: home, settings: settings)
        let login = "run `aws sso login --profile \(settings.profile)`"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialSourceError.failed("no SSO token cached at \(path); \(login)")
        }
        let token = try CredentialDocuments.ssoToken([UInt8](data))
        guard token.expiresAt > now() else {
            throw CredentialSourceError.failed("the SSO token cached at \(path) has expired; \(login)")
        }
        let query = "account_id=\(S3PercentEncoding.encode(settings.accountId))&role_name=\(S3PercentEncoding.encode(settings.roleName))"
        let url = (endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint) + "/federation/credentials?" + query
        let response = try await http.send(
            HTTPRequest(method: "GET", url: url, headers: ["x-amz-sso_bearer_token": token.accessToken.revealed,
                                                          "Accept": "application/json"]),
            what: "SSO portal \(endpoint)")
        if response.status == 401 || response.status == 403 {
            throw CredentialSourceError.failed("the SSO portal refused the cached token (HTTP \(response.status)); \(login)")
        }
        guard response.status == 200 else {
            throw CredentialSourceError.failed("SSO GetRoleCredentials answered HTTP \(response.status)")
        }
        return try CredentialDocuments.ssoRoleCredentials(response.body)
    }
}
