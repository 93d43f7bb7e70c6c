import Foundation
import IngestCore

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentialProvider: CredentialProvider {
    public let environment: [String: String]
    public var sourceDescription: String { "environment" }
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) { self.environment = environment }

    public func credentials() async throws -> AWSCredentials {
        guard let found = resolve() else {
            throw CredentialSourceError.notConfigured("AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY not set")
        }
        return found
    }

    /// The credentials in the environment, synchronously.
    public func resolve() -> AWSCredentials? {
        guard let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
              let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else { return nil }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : Secret($0) }
        return AWSCredentials(accessKeyId: id, secretAccessKey: Secret(secret), sessionToken: token)
    }
}
