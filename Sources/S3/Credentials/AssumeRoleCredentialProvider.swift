import Foundation
import IngestCore

/// A profile's `role_arn` with `source_profile` or `credential_source`: STS `AssumeRole` signed with
/// the source's credentials (asked afresh each time, so a refreshing source stays current).
public struct AssumeRoleCredentialProvider: CredentialProvider {
    public let role: AssumeRoleSettings
    public let source: any CredentialProvider
    public let sts: STSClient

    public init(role: AssumeRoleSettings, source: any CredentialProvider, sts: STSClient) {
        self.role = role
        self.source = source
        self.sts = sts
    }

    public var sourceDescription: String { "assume role \(role.roleArn) from \(source.sourceDescription)" }

    public func credentials() async throws -> AWSCredentials {
        let base: AWSCredentials
        do {
            base = try await source.credentials()
        } catch let error as CredentialSourceError {
            // The profile asked for this source: its absence is a failure, not "try the next one".
            throw CredentialSourceError.failed("source \(source.sourceDescription): \(error.reason)")
        }
        return try await sts.assumeRole(role, sessionName: role.sessionName ?? STSClient.defaultSessionName(), source: base)
    }
}
