import Foundation
import IngestCore

/// Something that yields AWS credentials: one source of the chain, the chain itself, or its cache.
public protocol CredentialProvider: Sendable {
    /// Where the credentials come from, for logs and errors, never secret
    /// (`environment`, `web identity (role arn:…)`, `profile dev (credential_process)`).
    var sourceDescription: String { get }
    /// The credentials; throws `CredentialSourceError` when this source has none or cannot get them.
    func credentials() async throws -> AWSCredentials
    /// Tells the provider a service refused `credentials` as expired; the next call fetches fresh ones.
    func invalidate(_ credentials: AWSCredentials) async
}

extension CredentialProvider {
    public func invalidate(_ credentials: AWSCredentials) async {}
}

/// Why one source of the chain gave no credentials. Never carries a secret.
public enum CredentialSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The source is not set up here (variables unset, no such profile, IMDS disabled): the chain goes on.
    case notConfigured(String)
    /// The source is set up but failed (STS refused, the process exited 1, the endpoint is down): the chain stops.
    case failed(String)

    public var reason: String {
        switch self {
        case .notConfigured(let reason), .failed(let reason): return reason
        }
    }

    public var description: String { reason }
}

/// Credentials given directly (configuration, tests).
public struct StaticCredentialProvider: CredentialProvider {
    public let value: AWSCredentials
    public var sourceDescription: String { "explicit configuration" }
    public init(_ value: AWSCredentials) { self.value = value }
    public func credentials() async throws -> AWSCredentials { value }
}
