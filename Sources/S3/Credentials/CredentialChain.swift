import Foundation
import HTTPEngine
import IngestCore

/// Tries sources in order; the first that yields wins. A source that is not configured passes to the next;
/// one that is configured but fails stops the chain (like the SDKs: a broken role must not silently fall
/// through to another identity). Either way the error names every source tried and why, never a secret.
public struct CredentialChain: CredentialProvider {
    public let providers: [any CredentialProvider]

    public init(_ providers: [any CredentialProvider]) { self.providers = providers }

    /// The AWS SDKs' default chain: environment, web identity, the shared files' profile, container, instance metadata.
    public static func standard(environment: [String: String], http: any HTTPClient) -> CredentialChain {
        let region = environment["AWS_REGION"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["AWS_DEFAULT_REGION"].flatMap { $0.isEmpty ? nil : $0 }
            ?? SharedConfig.load(environment: environment).region(profile: SharedConfigPaths(environment: environment).profile)
        return CredentialChain([
            EnvironmentCredentialProvider(environment: environment),
            WebIdentityCredentialProvider(environment: environment, http: http, region: region),
            ProfileCredentialProvider(environment: environment, http: http),
            ContainerCredentialProvider(environment: environment, http: http),
            InstanceMetadataCredentialProvider(environment: environment, http: http),
        ])
    }

    public var sourceDescription: String { providers.map(\.sourceDescription).joined(separator: ", ") }

    public func credentials() async throws -> AWSCredentials { try await resolve().credentials }

    /// The credentials and the description of the source that gave them.
    public func resolve() async throws -> (credentials: AWSCredentials, source: String) {
        var tried: [String] = []
        for provider in providers {
            let name = provider.sourceDescription
            do {
                return (try await provider.credentials(), name)
            } catch let error as CredentialSourceError {
                tried.append("\(name): \(error.reason)")
                if case .failed = error { throw Self.error(tried, failed: true) }
            } catch let error as IngestError where error.code == .awsNoCredentials {
                tried.append("\(name): \(error.message)")
            }
        }
        throw Self.error(tried, failed: false)
    }

    static func error(_ tried: [String], failed: Bool) -> IngestError {
        IngestError(code: .awsNoCredentials,
                    message: (failed ? "could not get AWS credentials; tried: " : "no AWS credentials found; tried: ")
                        + tried.joined(separator: "; "),
                    hint: failed ? "fix the failing source above, or unset its variables/profile to use another"
                        : "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run where a role is attached "
                        + "(IRSA/EKS Pod Identity, ECS task role, EC2 instance profile); see README, Credentials")
    }
}
