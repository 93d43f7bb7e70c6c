import Foundation
import HTTPEngine
import IngestCore
import S3
import Yams

/// The run's settings: the environment, overlaid with `--config FILE` (YAML with the same keys as
/// the environment variables, in lower case). A key in the config file wins over the environment,
/// because the file was named on the command line. Secrets are held as `Secret` for display.
public struct Configuration: Sendable {
    /// The keys a config file may set.
    public static let keys = [
        "SKYLARK_API_URL", "SKYLARK_TOKEN", "SKYLARK_USERNAME", "SKYLARK_PASSWORD", "SKYLARK_COGNITO_USER_POOL_ID",
        "SKYLARK_COGNITO_CLIENT_ID", "SKYLARK_COGNITO_CLIENT_SECRET", "SKYLARK_COGNITO_REGION", "SKYLARK_COGNITO_ENDPOINT",
        "SKYLARK_WATCHFOLDER_BUCKET", "AWS_REGION", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
        "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
        "AWS_ENDPOINT_URL_STS", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        "AWS_EC2_METADATA_DISABLED", "SKYLARK_WRITE_SETTLE_SECONDS", "SKYLARK_S3_TRAILING_CHECKSUM",
    ]
    public static let secretKeys: Set<String> = ["SKYLARK_TOKEN", "SKYLARK_PASSWORD", "SKYLARK_COGNITO_CLIENT_SECRET",
                                          "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                          "AWS_CONTAINER_AUTHORIZATION_TOKEN"]

    /// The merged settings, by upper-case variable name (what the API and S3 clients read).
    public let environment: [String: String]

    /// The watchfolder bucket.
    public var bucket: String? { environment["SKYLARK_WATCHFOLDER_BUCKET"].flatMap { $0.isEmpty ? nil : $0 } }

    /// How long a write whose answer was lost may still land before it is read back
    /// (`SKYLARK_WRITE_SETTLE_SECONDS`, default 5; see `RetryPolicy.settle`). A value out of range is the default
    /// here: `load` refuses it, `init(environment:)` takes the environment as it is.
    public var writeSettle: Duration {
        guard let text = environment["SKYLARK_WRITE_SETTLE_SECONDS"], let seconds = Double(text),
              seconds >= 0, seconds <= 3600 else { return RetryPolicy.defaultSettle }
        return .milliseconds(Int(seconds * 1000))
    }

    /// The run's retry policy: the upload policy with this configuration's `writeSettle`.
    public var retryPolicy: RetryPolicy {
        var policy = RetryPolicy.uploads
        policy.settle = writeSettle
        return policy
    }

    /// `environment` as it is, unchecked (`upload` and the benchmark; `load` checks what it merges).
    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// A secret setting, wrapped.
    public func secret(_ key: String) -> Secret? { environment[key].map(Secret.init) }

    /// Loads the environment and, when given, the config file.
    public static func load(configFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> Configuration {
        var merged = environment
        if let configFile {
            guard let text = try? String(contentsOfFile: configFile, encoding: .utf8) else {
                throw IngestError(code: .configUnreadable, message: "cannot read the config file \(configFile)")
            }
            let parsed: Any?
            do { parsed = try Yams.load(yaml: text) } catch {
                throw IngestError(code: .configSyntax, message: "\(configFile) is not valid YAML",
                                  hint: "write `key: value` lines, e.g. skylark_api_url: https://…/api/")
            }
            guard let map = parsed as? [String: Any] else {
                throw IngestError(code: .configSyntax, message: "\(configFile) must be a YAML mapping of settings")
            }
            for (key, value) in map {
                let upper = key.uppercased()
                guard keys.contains(upper) else {
                    throw IngestError(code: .configUnknownKey, message: "\(configFile): unknown setting '\(key)'",
                                      hint: "known settings: " + keys.map { $0.lowercased() }.joined(separator: ", "))
                }
                merged[upper] = "\(value)"
            }
        }
        if let text = merged["SKYLARK_WRITE_SETTLE_SECONDS"], !(Double(text).map { $0 >= 0 && $0 <= 3600 } ?? false) {
            throw IngestError(code: .configSyntax, message: "SKYLARK_WRITE_SETTLE_SECONDS must be seconds from 0 to 3600, got '\(text)'",
                              hint: "how long a write whose answer was lost may still land at the server, e.g. 5")
        }
        // A custom S3 endpoint without a scheme is refused here, before any work (exit 3).
        _ = try S3Configuration.validatedFromEnvironment(merged)
        return Configuration(environment: merged)
    }
}
