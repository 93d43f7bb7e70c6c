import Foundation
import HTTPEngine
import IngestCore
import Logging
@testable import Skylark
import SkylarkSandbox

/// Counts the logins and refreshes a token provider makes through a real `CognitoClient`.
actor CountingAuthenticator: CognitoAuthenticating {
    let client: CognitoClient
    private(set) var logins = 0
    private(set) var refreshes = 0
    private(set) var issued: [CognitoTokens] = []

    init(client: CognitoClient) { self.client = client }

    func login(username: String, password: Secret) async throws -> CognitoTokens {
        logins += 1
        let tokens = try await client.login(username: username, password: password)
        issued.append(tokens)
        return tokens
    }

    func refresh(refreshToken: Secret, username: String) async throws -> CognitoTokens {
        refreshes += 1
        let tokens = try await client.refresh(refreshToken: refreshToken, username: username)
        issued.append(tokens)
        return tokens
    }
}

/// An in-process `skylark-sandbox` on 127.0.0.1 and a real client stack (libcurl engine, Cognito SRP
/// login, token cache, API client) pointed at it, every logger captured.
struct LiveSandbox {
    static let username = "editor@example.com"
    static let clientID = "sandboxclient01"
    static let retry = RetryExecutor(policy: RetryPolicy(maxAttempts: 4, base: .milliseconds(10)))

    let sandbox: SkylarkSandbox
    let port: Int
    let password: Secret
    let clientSecret: Secret?
    let logs: LogCapture
    let http: CurlHTTPClient
    let authenticator: CountingAuthenticator
    let tokens: CognitoTokenProvider
    let client: SkylarkClient

    var apiURL: String { "http://127.0.0.1:\(port)/api/" }

    static func cognitoConfiguration(port: Int, clientSecret: Secret?) -> CognitoConfiguration {
        CognitoConfiguration(poolID: "eu-west-1_Sandbox01", clientID: clientID, clientSecret: clientSecret,
                             endpoint: "http://127.0.0.1:\(port)/cognito/")
    }

    /// A Cognito client for this sandbox (its logs captured).
    func cognitoClient(retry: RetryExecutor = LiveSandbox.retry) -> CognitoClient {
        CognitoClient(configuration: LiveSandbox.cognitoConfiguration(port: port, clientSecret: clientSecret),
                      httpClient: http, retry: retry,
                      logger: logs.logger("skylark.cognito"))
    }

    /// An API client with another token provider.
    func client(tokens: any TokenProvider) -> SkylarkClient {
        SkylarkClient(apiURL: apiURL, httpClient: http, tokenProvider: tokens,
                      retry: LiveSandbox.retry, logger: logs.logger("skylark.api"))
    }

    /// Starts a sandbox (`configure` may change its configuration), runs `body`, stops it whatever happens.
    static func with<T>(tokenLifetime: Int = 3600, clientSecret: Secret? = nil,
                        now: @escaping @Sendable () -> Date = { Date() },
                        configure: (inout SandboxConfiguration) -> Void = { _ in },
                        _ body: (LiveSandbox) async throws -> T) async throws -> T {
        let password = Secret("Pw-\(UUID().uuidString)")
        var configuration = SandboxConfiguration()
        configuration.users = [SandboxUser(name: username, password: password)]
        configuration.clientID = clientID
        configuration.clientSecret = clientSecret
        configuration.poolID = "eu-west-1_Sandbox01"
        configuration.tokenLifetime = tokenLifetime
        configuration.logRequests = false
        configure(&configuration)
        let sandbox = try SkylarkSandbox(configuration: configuration)
        let port = try await sandbox.start()
        let logs = LogCapture()
        var engine = CurlHTTPClient.Configuration()
        engine.logger = logs.logger("http.engine")
        let http = CurlHTTPClient(configuration: engine)
        let cognito = CognitoClient(configuration: cognitoConfiguration(port: port, clientSecret: clientSecret),
                                    httpClient: http, retry: LiveSandbox.retry,
                                    logger: logs.logger("skylark.cognito"))
        let authenticator = CountingAuthenticator(client: cognito)
        let tokens = CognitoTokenProvider(authenticator: authenticator, username: username, password: password,
                                          logger: logs.logger("skylark.tokens"), now: now)
        let client = SkylarkClient(apiURL: "http://127.0.0.1:\(port)/api/", httpClient: http, tokenProvider: tokens,
                                   retry: LiveSandbox.retry,
                                   logger: logs.logger("skylark.api"))
        let live = LiveSandbox(sandbox: sandbox, port: port, password: password, clientSecret: clientSecret, logs: logs,
                               http: http, authenticator: authenticator, tokens: tokens, client: client)
        do {
            let result = try await body(live)
            await sandbox.stop()
            return result
        } catch {
            await sandbox.stop()
            throw error
        }
    }
}
