import Foundation
import HTTPEngine
import IngestCore

/// Kubernetes IRSA and friends: a token file (re-read on every call, the kubelet rotates it) exchanged
/// through STS `AssumeRoleWithWebIdentity` for the role's credentials.
public struct WebIdentityCredentialProvider: CredentialProvider {
    public let tokenFile: String?
    public let role: AssumeRoleSettings?
    public let sts: STSClient
    public let origin: String

    /// From `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`; STS from
    /// `AWS_ENDPOINT_URL_STS`/`AWS_ENDPOINT_URL`, else regional for `region`.
    public init(environment: [String: String], http: any HTTPClient, region: String?) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        tokenFile = value("AWS_WEB_IDENTITY_TOKEN_FILE")
        role = value("AWS_ROLE_ARN").map { AssumeRoleSettings(roleArn: $0, sessionName: value("AWS_ROLE_SESSION_NAME")) }
        sts = STSClient(http: http, endpoint: STSClient.endpoint(environment: environment, region: region),
                        region: region ?? "us-east-1")
        origin = "web identity"
    }

    /// A profile's `role_arn` + `web_identity_token_file`.
    public init(tokenFile: String, role: AssumeRoleSettings, sts: STSClient, origin: String) {
        self.tokenFile = tokenFile
        self.role = role
        self.sts = sts
        self.origin = origin
    }

    public var sourceDescription: String {
        role.map { "\(origin) (role \($0.roleArn))" } ?? origin
    }

    public func credentials() async throws -> AWSCredentials {
        guard let tokenFile else { throw CredentialSourceError.notConfigured("AWS_WEB_IDENTITY_TOKEN_FILE not set") }
        guard let role else { throw CredentialSourceError.notConfigured("AWS_ROLE_ARN not set") }
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw CredentialSourceError.failed("cannot read the token file \(tokenFile)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw CredentialSourceError.failed("the token file \(tokenFile) is empty") }
        return try await sts.assumeRoleWithWebIdentity(roleArn: role.roleArn,
                                                       sessionName: role.sessionName ?? STSClient.defaultSessionName(),
                                                       token: Secret(token), durationSeconds: role.durationSeconds)
    }
}
