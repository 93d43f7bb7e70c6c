import Foundation
import IngestCore

/// Something that yields AWS credentials.
public protocol CredentialProvider: Sendable {
    /// A short description of where this provider looks (for "tried: …" messages).
    var sourceDescription: String { get }
    /// The credentials; throws `AWS_NO_CREDENTIALS` when this source has none.
    func credentials() async throws -> AWSCredentials
}

extension CredentialProvider {
    /// The error a provider throws when its source holds no credentials.
    func notFound() -> IngestError {
        IngestError(code: "AWS_NO_CREDENTIALS", message: "no AWS credentials found; tried: \(sourceDescription)",
                    hint: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with ~/.aws/credentials")
    }
}

/// Credentials given directly (configuration, tests).
public struct StaticCredentialProvider: CredentialProvider {
    public let value: AWSCredentials
    public var sourceDescription: String { "explicit configuration" }
    public init(_ value: AWSCredentials) { self.value = value }
    public func credentials() async throws -> AWSCredentials { value }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`.
public struct EnvironmentCredentialProvider: CredentialProvider {
    public let environment: [String: String]
    public var sourceDescription: String { "environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)" }
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) { self.environment = environment }

    public func credentials() async throws -> AWSCredentials {
        guard let found = resolve() else { throw notFound() }
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

/// A profile of `~/.aws/credentials` and `~/.aws/config` (`AWS_PROFILE`, `AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`).
public struct SharedFileCredentialProvider: CredentialProvider {
    public let profile: String
    public let credentialsPath: String
    public let configPath: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(home)/.aws/credentials"
        configPath = environment["AWS_CONFIG_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(home)/.aws/config"
    }

    public var sourceDescription: String { "profile '\(profile)' in \(credentialsPath) and \(configPath)" }

    public func credentials() async throws -> AWSCredentials {
        guard let found = resolve() else { throw notFound() }
        return found
    }

    /// The profile's keys: the credentials file first, then the config file (`[profile NAME]` or `[default]`).
    public func resolve() -> AWSCredentials? {
        for (file, section) in [(credentialsPath, profile), (configPath, configSection)] {
            guard let ini = SharedFileCredentialProvider.load(file),
                  let id = ini.value(section, "aws_access_key_id"),
                  let secret = ini.value(section, "aws_secret_access_key") else { continue }
            return AWSCredentials(accessKeyId: id, secretAccessKey: Secret(secret),
                                  sessionToken: ini.value(section, "aws_session_token").map(Secret.init))
        }
        return nil
    }

    /// The profile's `region` from the config file (or the credentials file), if any.
    public func region() -> String? {
        SharedFileCredentialProvider.load(configPath)?.value(configSection, "region")
            ?? SharedFileCredentialProvider.load(credentialsPath)?.value(profile, "region")
    }

    private var configSection: String { profile == "default" ? "default" : "profile \(profile)" }

    static func load(_ path: String) -> INIFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return INIFile(parsing: String(decoding: data, as: UTF8.self))
    }
}

/// Tries providers in order; the first that yields wins. None → `AWS_NO_CREDENTIALS` naming each source.
public struct CredentialChain: CredentialProvider {
    public let providers: [any CredentialProvider]

    public init(_ providers: [any CredentialProvider]) { self.providers = providers }

    /// The standard chain: environment, then the shared files' profile.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> CredentialChain {
        CredentialChain([EnvironmentCredentialProvider(environment: environment),
                         SharedFileCredentialProvider(environment: environment)])
    }

    public var sourceDescription: String { providers.map(\.sourceDescription).joined(separator: "; ") }

    public func credentials() async throws -> AWSCredentials {
        for provider in providers {
            do {
                return try await provider.credentials()
            } catch let error as IngestError where error.code == "AWS_NO_CREDENTIALS" {
                continue
            }
        }
        throw notFound()
    }
}
