import Foundation
import HTTPEngine
import IngestCore

/// ECS/Batch task roles and EKS Pod Identity: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on 169.254.170.2) or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read each time) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN` as the `Authorization` header.
public struct ContainerCredentialProvider: CredentialProvider {
    public let environment: [String: String]
    let http: CredentialHTTP

    public init(environment: [String: String], http: any HTTPClient) {
        self.environment = environment
        self.http = CredentialHTTP(http: http, timeout: .seconds(5), attempts: 3)
    }

    public var sourceDescription: String { "container" }

    /// The endpoint to ask, or why there is none (pure).
    public static func endpoint(environment: [String: String]) throws -> String {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let relative = value("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)
        }
        guard let full = value("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
            throw CredentialSourceError.notConfigured(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/AWS_CONTAINER_CREDENTIALS_FULL_URI not set")
        }
        guard let components = URLComponents(string: full), let scheme = components.scheme?.lowercased(),
              let host = components.host, ["http", "https"].contains(scheme) else {
            throw CredentialSourceError.failed("AWS_CONTAINER_CREDENTIALS_FULL_URI is not an http(s) URL")
        }
        guard scheme == "https" || isAllowedHost(host) else {
            throw CredentialSourceError.failed("AWS_CONTAINER_CREDENTIALS_FULL_URI host \(host) is not a loopback address, "
                + "169.254.170.2, 169.254.170.23 or fd00:ec2::23 (only those may be used over http)")
        }
        return full
    }

    /// Loopback hosts and the ECS / EKS Pod Identity agent addresses.
    static func isAllowedHost(_ rawHost: String) -> Bool {
        let host = rawHost.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        if ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"].contains(host) { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The `Authorization` value: the token file's content (re-read each time), else the variable.
    public static func authorization(environment: [String: String]) throws -> Secret? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var token: String?
        if let file = value("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CredentialSourceError.failed("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)")
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        }
        guard let token, !token.isEmpty else { return nil }
        if token.contains("\r") || token.contains("\n") {
            throw CredentialSourceError.failed("the container authorization token contains a line break")
        }
        return Secret(token)
    }

    public func credentials() async throws -> AWSCredentials {
        let url = try Self.endpoint(environment: environment)
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let token = try Self.authorization(environment: environment) { headers.set("Authorization", token.revealed) }
        let response = try await http.send(HTTPRequest(method: "GET", url: url, headers: headers),
                                           what: "container endpoint \(Redaction.urlWithoutQuery(url))")
        guard response.status == 200 else {
            throw CredentialSourceError.failed("container endpoint answered HTTP \(response.status)")
        }
        return try CredentialDocuments.metadataCredentials(response.body)
    }
}
