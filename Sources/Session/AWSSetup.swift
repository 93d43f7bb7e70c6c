import Foundation
import HTTPEngine
import IngestCore
import S3

/// The AWS side of a session: the credential chain behind its refreshing cache, and the extra CA bundle.
enum AWSSetup {
    /// The refreshing provider over the default chain, resolved once now so a missing source fails before
    /// any work (`AWS_NO_CREDENTIALS`, exit 3); tells `notice` which source was used, never a secret.
    static func credentials(environment: [String: String], http: any HTTPClient,
                            notice: @Sendable (String) -> Void) async throws -> RefreshingCredentialProvider {
        let provider = RefreshingCredentialProvider(source: CredentialChain.standard(environment: environment, http: http))
        _ = try await provider.credentials()
        if let source = await provider.resolvedSource { notice("credentials: \(source)") }
        return provider
    }

    /// The CA bundle for the HTTP engine: `flag` (`--ca-bundle`) or `AWS_CA_BUNDLE`, added to the system store.
    static func caBundle(flag: String?, environment: [String: String]) throws -> String? {
        guard let extra = flag ?? environment["AWS_CA_BUNDLE"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        return try CABundle.combined(with: extra, environment: environment)
    }
}
