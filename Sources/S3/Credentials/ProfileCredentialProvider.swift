import Foundation
import HTTPEngine
import IngestCore

/// A profile of the shared files (`AWS_PROFILE`, `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`): static keys,
/// `credential_process`, `role_arn` (with `source_profile`, `credential_source` or `web_identity_token_file`)
/// or SSO. The files are read again on every call, so keys rotated on disk are picked up on refresh.
public struct ProfileCredentialProvider: CredentialProvider {
    public let environment: [String: String]
    public let paths: SharedConfigPaths
    let http: any HTTPClient

    public init(environment: [String: String], http: any HTTPClient) {
        self.environment = environment
        self.paths = SharedConfigPaths(environment: environment)
        self.http = http
    }

    public var profile: String { paths.profile }

    public var sourceDescription: String {
        let label = (try? SharedConfig.load(environment: environment).source(profile: profile)).map { source -> String in
            switch source {
            case .staticKeys: return ""
            default: return " (\(source.label))"
            }
        } ?? ""
        return "profile \(profile)\(label)"
    }

    public func credentials() async throws -> AWSCredentials {
        let config = SharedConfig.load(environment: environment)
        let source = try config.source(profile: profile, explicitlyNamed: paths.profileNamed)
        return try await provider(for: source, config: config).credentials()
    }

    /// The provider that carries out `source`.
    func provider(for source: ProfileCredentialSource, config: SharedConfig) -> any CredentialProvider {
        let region = regionForSTS(config)
        switch source {
        case .staticKeys(let keys):
            return StaticCredentialProvider(keys)
        case .process(let command):
            return ProcessCredentialProvider(command: command, profile: profile)
        case .assumeRole(let role, let base):
            return AssumeRoleCredentialProvider(role: role, source: provider(for: base, config: config),
                                                sts: sts(config, region: role.region ?? region))
        case .webIdentity(let role, let tokenFile):
            return WebIdentityCredentialProvider(tokenFile: tokenFile, role: role, sts: sts(config, region: role.region ?? region),
                                                 origin: "profile \(profile) (web identity)")
        case .sso(let settings):
            return SSOCredentialProvider(settings: settings, environment: environment, http: http)
        case .environment:
            return EnvironmentCredentialProvider(environment: environment)
        case .instanceMetadata:
            return InstanceMetadataCredentialProvider(environment: environment, http: http)
        case .container:
            return ContainerCredentialProvider(environment: environment, http: http)
        }
    }

    private func regionForSTS(_ config: SharedConfig) -> String? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        return value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") ?? config.region(profile: profile)
    }

    private func sts(_ config: SharedConfig, region: String?) -> STSClient {
        STSClient(http: http, endpoint: STSClient.endpoint(environment: environment,
                                                           profileEndpoint: config.endpoint(service: "sts", profile: profile),
                                                           region: region),
                  region: region ?? "us-east-1")
    }
}
