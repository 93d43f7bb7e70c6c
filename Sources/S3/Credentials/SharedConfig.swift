import Foundation
import IngestCore

/// The AWS shared `config` and `credentials` files, parsed (pure: reading the files is `load`'s only I/O).
///
/// The config file names profiles `[default]` and `[profile NAME]`, SSO sessions `[sso-session NAME]`
/// and endpoint sets `[services NAME]`; the credentials file names profiles `[NAME]`. For one profile,
/// a key in the credentials file wins over the same key in the config file, like the SDKs.
public struct SharedConfig: Sendable, Hashable {
    public var config: INIFile
    public var credentials: INIFile
    /// Where the files are (for messages).
    public var configPath: String
    public var credentialsPath: String

    public init(config: INIFile, credentials: INIFile, configPath: String = "~/.aws/config",
                credentialsPath: String = "~/.aws/credentials") {
        self.config = config
        self.credentials = credentials
        self.configPath = configPath
        self.credentialsPath = credentialsPath
    }

    /// The files named by `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/…`); missing files are empty.
    public static func load(environment: [String: String]) -> SharedConfig {
        let paths = SharedConfigPaths(environment: environment)
        func read(_ path: String) -> INIFile {
            guard let data = FileManager.default.contents(atPath: path) else { return INIFile(parsing: "") }
            return INIFile(parsing: String(decoding: data, as: UTF8.self))
        }
        return SharedConfig(config: read(paths.config), credentials: read(paths.credentials),
                            configPath: paths.config, credentialsPath: paths.credentials)
    }

    /// The settings of `profile` merged from both files, or nil when neither file has it.
    public func profile(_ name: String) -> [String: String]? {
        let configSection = name == "default" ? config.sections["default"] ?? config.sections["profile default"]
            : config.sections["profile \(name)"]
        let credentialsSection = credentials.sections[name]
        guard configSection != nil || credentialsSection != nil else { return nil }
        var merged = configSection ?? [:]
        for (key, value) in credentialsSection ?? [:] { merged[key] = value }
        return merged.filter { !$0.value.isEmpty }
    }

    /// The `[sso-session NAME]` section.
    public func ssoSession(_ name: String) -> [String: String]? { config.sections["sso-session \(name)"] }

    /// The profile's region.
    public func region(profile name: String) -> String? { profile(name)?["region"] }

    /// The profile's endpoint for `service` (`s3`, `sts`): its `services` section's `s3 = endpoint_url = …`,
    /// else the profile's global `endpoint_url`.
    public func endpoint(service: String, profile name: String) -> String? {
        guard let settings = profile(name) else { return nil }
        if let services = settings["services"], let section = config.sections["services \(services)"],
           let url = section["\(service).endpoint_url"], !url.isEmpty {
            return url
        }
        return settings["endpoint_url"]
    }

    /// How `profile` gets its credentials; throws `CredentialSourceError` naming what is wrong.
    public func source(profile name: String, explicitlyNamed: Bool = true) throws -> ProfileCredentialSource {
        var visited: [String] = []
        return try source(profile: name, visited: &visited, explicitlyNamed: explicitlyNamed)
    }

    private func source(profile name: String, visited: inout [String], explicitlyNamed: Bool) throws -> ProfileCredentialSource {
        guard let settings = profile(name) else {
            let message = "no such profile in \(configPath) or \(credentialsPath)"
            if visited.isEmpty && !explicitlyNamed { throw CredentialSourceError.notConfigured(message) }
            throw CredentialSourceError.failed("profile '\(name)': " + message)
        }
        if visited.contains(name) {
            throw CredentialSourceError.failed("profile '\(name)': source_profile cycle \((visited + [name]).joined(separator: " -> "))")
        }
        visited.append(name)
        if let roleArn = settings["role_arn"] {
            let role = AssumeRoleSettings(roleArn: roleArn, sessionName: settings["role_session_name"],
                                          externalId: settings["external_id"],
                                          durationSeconds: settings["duration_seconds"].flatMap { Int($0) },
                                          region: settings["region"])
            if let tokenFile = settings["web_identity_token_file"] {
                return .webIdentity(role: role, tokenFile: tokenFile)
            }
            if let sourceProfile = settings["source_profile"] {
                let base: ProfileCredentialSource
                if sourceProfile == name {
                    guard let keys = Self.staticKeys(settings) else {
                        throw CredentialSourceError.failed("profile '\(name)': source_profile is itself but it has no static keys")
                    }
                    base = keys
                } else {
                    base = try source(profile: sourceProfile, visited: &visited, explicitlyNamed: true)
                }
                return .assumeRole(role: role, source: base)
            }
            if let credentialSource = settings["credential_source"] {
                switch credentialSource {
                case "Environment": return .assumeRole(role: role, source: .environment)
                case "Ec2InstanceMetadata": return .assumeRole(role: role, source: .instanceMetadata)
                case "EcsContainer": return .assumeRole(role: role, source: .container)
                default:
                    throw CredentialSourceError.failed(
                        "profile '\(name)': credential_source '\(credentialSource)' is not Environment, Ec2InstanceMetadata or EcsContainer")
                }
            }
            throw CredentialSourceError.failed("profile '\(name)': role_arn needs source_profile, credential_source or web_identity_token_file")
        }
        if settings["sso_session"] != nil || settings["sso_start_url"] != nil {
            return .sso(try ssoSettings(profile: name, settings))
        }
        if let command = settings["credential_process"] {
            return .process(command: command)
        }
        if let keys = Self.staticKeys(settings) { return keys }
        throw CredentialSourceError.notConfigured("profile '\(name)' has no credentials (no keys, credential_process, role_arn or sso)")
    }

    private static func staticKeys(_ settings: [String: String]) -> ProfileCredentialSource? {
        guard let id = settings["aws_access_key_id"], let secret = settings["aws_secret_access_key"] else { return nil }
        return .staticKeys(AWSCredentials(accessKeyId: id, secretAccessKey: .init(secret),
                                          sessionToken: settings["aws_session_token"].map { .init($0) }))
    }

    private func ssoSettings(profile name: String, _ settings: [String: String]) throws -> SSOSettings {
        var startURL = settings["sso_start_url"]
        var region = settings["sso_region"]
        let sessionName = settings["sso_session"]
        if let sessionName {
            guard let session = ssoSession(sessionName) else {
                throw CredentialSourceError.failed("profile '\(name)': no [sso-session \(sessionName)] section in \(configPath)")
            }
            startURL = session["sso_start_url"] ?? startURL
            region = session["sso_region"] ?? region
        }
        guard let startURL, let region, let account = settings["sso_account_id"], let role = settings["sso_role_name"] else {
            throw CredentialSourceError.failed(
                "profile '\(name)': SSO needs sso_start_url, sso_region, sso_account_id and sso_role_name")
        }
        return SSOSettings(profile: name, sessionName: sessionName, startURL: startURL, region: region,
                           accountId: account, roleName: role)
    }
}

/// Where the shared files are: `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else under `$HOME/.aws`.
public struct SharedConfigPaths: Sendable, Hashable {
    public var config: String
    public var credentials: String
    public var home: String
    /// The profile: `AWS_PROFILE`, else `default`.
    public var profile: String
    /// Whether `AWS_PROFILE` named the profile.
    public var profileNamed: Bool

    public init(environment: [String: String]) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let home = value("HOME") ?? NSHomeDirectory()
        self.home = home
        config = value("AWS_CONFIG_FILE").map { Self.expand($0, home: home) } ?? "\(home)/.aws/config"
        credentials = value("AWS_SHARED_CREDENTIALS_FILE").map { Self.expand($0, home: home) } ?? "\(home)/.aws/credentials"
        profile = value("AWS_PROFILE") ?? value("AWS_DEFAULT_PROFILE") ?? "default"
        profileNamed = value("AWS_PROFILE") != nil || value("AWS_DEFAULT_PROFILE") != nil
    }

    static func expand(_ path: String, home: String) -> String {
        path.hasPrefix("~/") ? home + path.dropFirst() : path
    }
}

/// How a profile yields credentials (the pure result of resolving the shared files).
public indirect enum ProfileCredentialSource: Sendable, Hashable {
    case staticKeys(AWSCredentials)
    case process(command: String)
    case assumeRole(role: AssumeRoleSettings, source: ProfileCredentialSource)
    case webIdentity(role: AssumeRoleSettings, tokenFile: String)
    case sso(SSOSettings)
    /// `credential_source` values.
    case environment, instanceMetadata, container

    /// A word for logs: `static keys`, `credential_process`, `assume role arn:… via static keys`.
    public var label: String {
        switch self {
        case .staticKeys: return "static keys"
        case .process: return "credential_process"
        case .assumeRole(let role, let source): return "assume role \(role.roleArn) from \(source.label)"
        case .webIdentity(let role, _): return "web identity, role \(role.roleArn)"
        case .sso(let sso): return "sso, role \(sso.roleName) in \(sso.accountId)"
        case .environment: return "environment"
        case .instanceMetadata: return "instance metadata"
        case .container: return "container"
        }
    }
}

/// The `role_arn` settings of a profile (or of `AWS_ROLE_ARN`).
public struct AssumeRoleSettings: Sendable, Hashable {
    public var roleArn: String
    public var sessionName: String?
    public var externalId: String?
    public var durationSeconds: Int?
    public var region: String?

    public init(roleArn: String, sessionName: String? = nil, externalId: String? = nil, durationSeconds: Int? = nil,
                region: String? = nil) {
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.externalId = externalId
        self.durationSeconds = durationSeconds
        self.region = region
    }
}

/// The SSO settings of a profile (with its `sso-session`, when it names one).
public struct SSOSettings: Sendable, Hashable {
    public var profile: String
    public var sessionName: String?
    public var startURL: String
    public var region: String
    public var accountId: String
    public var roleName: String
}
