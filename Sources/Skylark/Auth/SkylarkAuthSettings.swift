import Foundation
import HTTPEngine
import IngestCore
import Logging

/// How to authenticate to Skylark, read from the environment: a static `SKYLARK_TOKEN`, or a Cognito
/// user (`SKYLARK_USERNAME` + `SKYLARK_PASSWORD` or `SKYLARK_PASSWORD_FILE`) and pool
/// (`SKYLARK_COGNITO_USER_POOL_ID`, `SKYLARK_COGNITO_CLIENT_ID`, optional `SKYLARK_COGNITO_CLIENT_SECRET`,
/// `SKYLARK_COGNITO_REGION`, `SKYLARK_COGNITO_ENDPOINT`). Passwords never come from arguments.
public enum SkylarkAuthSettings: Sendable {
    /// A fixed bearer token.
    case token(Secret)
    /// A Cognito SRP login.
    case cognito(CognitoConfiguration, username: String, password: Secret)

    /// Reads the settings from `environment`; `readFile` reads `SKYLARK_PASSWORD_FILE` (injectable).
    public init(environment: [String: String],
                readFile: (String) throws -> String = { try String(contentsOfFile: $0, encoding: .utf8) }) throws {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        if let token = value("SKYLARK_TOKEN") {
            self = .token(Secret(token))
            return
        }
        let password: Secret?
        if let direct = value("SKYLARK_PASSWORD") {
            password = Secret(direct)
        } else if let file = value("SKYLARK_PASSWORD_FILE") {
            let text: String
            do { text = try readFile(file) } catch {
                throw IngestError(code: .authNotConfigured, message: "cannot read SKYLARK_PASSWORD_FILE \(file)",
                                  hint: "make the file readable, or set SKYLARK_PASSWORD")
            }
            // A trailing newline from `echo … > file` is not part of the password.
            var trimmed = Substring(text)
            while let last = trimmed.last, last == "\n" || last == "\r" { trimmed.removeLast() }
            password = Secret(String(trimmed))
        } else {
            password = nil
        }
        let username = value("SKYLARK_USERNAME"), pool = value("SKYLARK_COGNITO_USER_POOL_ID")
        let client = value("SKYLARK_COGNITO_CLIENT_ID")
        var missing: [String] = []
        if username == nil { missing.append("SKYLARK_USERNAME") }
        if password == nil { missing.append("SKYLARK_PASSWORD (or SKYLARK_PASSWORD_FILE)") }
        if pool == nil { missing.append("SKYLARK_COGNITO_USER_POOL_ID") }
        if client == nil { missing.append("SKYLARK_COGNITO_CLIENT_ID") }
        guard let username, let password, let pool, let client else {
            throw IngestError(code: .authNotConfigured,
                              message: "no Skylark credentials: missing \(missing.joined(separator: ", "))",
                              hint: "set SKYLARK_TOKEN, or the Cognito user and pool variables")
        }
        let configuration = CognitoConfiguration(poolID: pool, clientID: client,
                                                 clientSecret: value("SKYLARK_COGNITO_CLIENT_SECRET").map(Secret.init),
                                                 region: value("SKYLARK_COGNITO_REGION"),
                                                 endpoint: value("SKYLARK_COGNITO_ENDPOINT"))
        self = .cognito(configuration, username: username, password: password)
    }

    /// The token provider for these settings.
    public func makeTokenProvider(httpClient: any HTTPClient, logger: Logger = Logger(label: "skylark.auth"))
        -> any TokenProvider {
        switch self {
        case .token(let token):
            return StaticTokenProvider(token: token)
        case .cognito(let configuration, let username, let password):
            let client = CognitoClient(configuration: configuration, httpClient: httpClient, logger: logger)
            return CognitoTokenProvider(authenticator: client, username: username, password: password, logger: logger)
        }
    }
}
