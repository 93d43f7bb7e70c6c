import Foundation
import HTTPEngine
import IngestCore

/// EC2 instance profiles through IMDSv2 only: `PUT /latest/api/token`, then the role name, then its
/// credentials. Short timeouts (1 s, one retry) so a laptop without IMDS does not hang.
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` (default `http://169.254.169.254`), `AWS_EC2_METADATA_DISABLED=true`.
public struct InstanceMetadataCredentialProvider: CredentialProvider {
    public let endpoint: String?
    let http: CredentialHTTP

    public init(environment: [String: String], http: any HTTPClient, timeout: Duration = .seconds(1)) {
        endpoint = Self.endpoint(environment: environment)
        self.http = CredentialHTTP(http: http, timeout: timeout, attempts: 2, pause: .milliseconds(100))
    }

    public var sourceDescription: String { "instance metadata" }

    /// The endpoint, or nil when disabled (pure).
    public static func endpoint(environment: [String: String]) -> String? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if value("AWS_EC2_METADATA_DISABLED")?.lowercased() == "true" { return nil }
        if let url = value("AWS_EC2_METADATA_SERVICE_ENDPOINT") { return url.hasSuffix("/") ? String(url.dropLast()) : url }
        if value("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")?.lowercased() == "ipv6" { return "http://[fd00:ec2::254]" }
        return "http://169.254.169.254"
    }

    public func credentials() async throws -> AWSCredentials {
        guard let endpoint else { throw CredentialSourceError.notConfigured("disabled (AWS_EC2_METADATA_DISABLED)") }
        let what = "instance metadata \(endpoint)"
        let tokenAnswer = try await http.send(
            HTTPRequest(method: "PUT", url: endpoint + "/latest/api/token",
                        headers: ["x-aws-ec2-metadata-token-ttl-seconds": "21600"]), what: what)
        guard tokenAnswer.status == 200, !tokenAnswer.body.isEmpty else {
            throw CredentialSourceError.failed("\(what): token request answered HTTP \(tokenAnswer.status) (IMDSv2 required)")
        }
        let token = tokenAnswer.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let headers: HTTPHeaders = ["x-aws-ec2-metadata-token": token]
        let base = endpoint + "/latest/meta-data/iam/security-credentials/"
        let roleAnswer = try await http.send(HTTPRequest(method: "GET", url: base, headers: headers), what: what)
        guard roleAnswer.status == 200,
              let role = roleAnswer.text.split(whereSeparator: \.isNewline).first.map({ $0.trimmingCharacters(in: .whitespaces) }),
              !role.isEmpty else {
            throw CredentialSourceError.failed("\(what): no instance profile role (HTTP \(roleAnswer.status))")
        }
        let answer = try await http.send(
            HTTPRequest(method: "GET", url: base + S3PercentEncoding.encode(role), headers: headers), what: what)
        guard answer.status == 200 else {
            throw CredentialSourceError.failed("\(what): credentials of role \(role) answered HTTP \(answer.status)")
        }
        return try CredentialDocuments.metadataCredentials(answer.body)
    }
}
