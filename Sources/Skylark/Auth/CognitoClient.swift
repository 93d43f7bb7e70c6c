import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore
import Logging

/// Logs in to a Cognito user pool with `USER_SRP_AUTH` and refreshes with `REFRESH_TOKEN_AUTH`,
/// over the AWS JSON 1.1 protocol. Never sends or logs the password; never logs tokens.
public struct CognitoClient: Sendable {
    /// The pool and app client.
    public let configuration: CognitoConfiguration
    private let http: any HTTPClient
    private let retry: RetryExecutor
    private let now: @Sendable () -> Date
    private let privateValue: @Sendable () -> BigNum
    private let logger: Logger

    /// Creates a client; `now` and `privateValue` are injectable for tests.
    public init(configuration: CognitoConfiguration, httpClient: any HTTPClient,
                retry: RetryExecutor = .skylarkDefault,
                logger: Logger = Logger(label: "skylark.cognito"),
                now: @escaping @Sendable () -> Date = { Date() },
                privateValue: @escaping @Sendable () -> BigNum = { SRPMath.randomPrivateValue() }) {
        self.configuration = configuration
        self.http = httpClient
        self.retry = retry
        self.logger = logger
        self.now = now
        self.privateValue = privateValue
    }

    /// Logs `username` in with SRP: `InitiateAuth` → `PASSWORD_VERIFIER` → `RespondToAuthChallenge`.
    public func login(username: String, password: Secret) async throws -> CognitoTokens {
        let session = SRPClientSession(poolID: configuration.poolID, privateValue: privateValue())
        logger.debug("Cognito InitiateAuth USER_SRP_AUTH", metadata: ["user": "\(username)"])
        let started = now()
        let first = try await call("InitiateAuth", CognitoWire.InitiateAuthRequest(
            authFlow: "USER_SRP_AUTH", clientID: configuration.clientID,
            authParameters: session.authParameters(username: username, clientID: configuration.clientID,
                                                   clientSecret: configuration.clientSecret)), username: username)
        if let result = first.authenticationResult {
            return try tokens(result, issuedAt: started, username: username, previousRefresh: nil)
        }
        guard first.challengeName == "PASSWORD_VERIFIER" else {
            throw CognitoError.unsupportedChallenge(first.challengeName ?? "(none)", username: username)
        }
        guard let challenge = PasswordVerifierChallenge(parameters: first.challengeParameters ?? [:]) else {
            throw CognitoError(type: "BadResponse", message: "the PASSWORD_VERIFIER challenge lacks SALT, SRP_B, "
                                   + "SECRET_BLOCK or USER_ID_FOR_SRP", username: username)
        }
        let answeredAt = now()
        let responses = try session.challengeResponses(challenge: challenge, password: password,
                                                       clientID: configuration.clientID,
                                                       clientSecret: configuration.clientSecret, now: answeredAt)
        logger.debug("Cognito RespondToAuthChallenge PASSWORD_VERIFIER", metadata: ["user": "\(username)"])
        let second = try await call("RespondToAuthChallenge", CognitoWire.RespondToAuthChallengeRequest(
            challengeName: "PASSWORD_VERIFIER", clientID: configuration.clientID, challengeResponses: responses,
            session: first.session), username: username)
        if let next = second.challengeName, second.authenticationResult == nil {
            throw CognitoError.unsupportedChallenge(next, username: username)
        }
        guard let result = second.authenticationResult else {
            throw CognitoError(type: "BadResponse", message: "RespondToAuthChallenge answered without "
                                   + "AuthenticationResult", username: username)
        }
        return try tokens(result, issuedAt: answeredAt, username: challenge.username, previousRefresh: nil)
    }

    /// New ID and access tokens from a refresh token (`REFRESH_TOKEN_AUTH`); the refresh token stays.
    /// `username` is the internal user name, used for `SECRET_HASH` when the app client has a secret.
    public func refresh(refreshToken: Secret, username: String) async throws -> CognitoTokens {
        var parameters = ["REFRESH_TOKEN": refreshToken.revealed]
        if let secret = configuration.clientSecret {
            parameters["SECRET_HASH"] = SRPMath.secretHash(username: username, clientID: configuration.clientID,
                                                           clientSecret: secret)
        }
        logger.debug("Cognito InitiateAuth REFRESH_TOKEN_AUTH", metadata: ["user": "\(username)"])
        let started = now()
        let response = try await call("InitiateAuth", CognitoWire.InitiateAuthRequest(
            authFlow: "REFRESH_TOKEN_AUTH", clientID: configuration.clientID, authParameters: parameters),
                                      username: username)
        if let name = response.challengeName, response.authenticationResult == nil {
            throw CognitoError.unsupportedChallenge(name, username: username)
        }
        guard let result = response.authenticationResult else {
            throw CognitoError(type: "BadResponse", message: "REFRESH_TOKEN_AUTH answered without "
                                   + "AuthenticationResult", username: username)
        }
        return try tokens(result, issuedAt: started, username: username, previousRefresh: refreshToken)
    }

    private func tokens(_ result: CognitoWire.AuthenticationResult, issuedAt: Date, username: String,
                        previousRefresh: Secret?) throws -> CognitoTokens {
        guard let id = result.idToken, let access = result.accessToken else {
            throw CognitoError(type: "BadResponse", message: "AuthenticationResult lacks IdToken or AccessToken",
                               username: username)
        }
        let lifetime = TimeInterval(result.expiresIn ?? 3600)
        return CognitoTokens(idToken: Secret(id), accessToken: Secret(access),
                             refreshToken: result.refreshToken.map(Secret.init) ?? previousRefresh,
                             expiresAt: issuedAt.addingTimeInterval(lifetime), lifetime: lifetime,
                             username: username)
    }

    /// One AWS JSON 1.1 call, retried on transport failures, throttling and 5xx (nothing is created
    /// by these calls, so a repeat is harmless).
    private func call(_ action: String, _ body: some Encodable, username: String) async throws
        -> CognitoWire.AuthResponse {
        let bytes = try Array(JSONEncoder().encode(body))
        let request = HTTPRequest(method: "POST", url: configuration.endpoint, headers: [
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.\(action)",
        ], body: .bytes(bytes), timeout: .seconds(60))
        let response = try await retry.run(operation: { _ in try await http.execute(request) }, classify: { result in
            let decision = CognitoClient.classify(result)
            if decision.isRetryable { logger.debug("retrying Cognito \(action)") }
            return decision
        })
        guard (200..<300).contains(response.status) else {
            throw CognitoClient.error(from: response, username: username)
        }
        do {
            return try JSONDecoder().decode(CognitoWire.AuthResponse.self, from: Data(response.body))
        } catch {
            throw CognitoError(type: "BadResponse", message: "\(action) answered with a body that is not the "
                                   + "expected JSON", status: response.status, username: username)
        }
    }

    /// Cognito calls create nothing, so any transient failure may be repeated: transport errors,
    /// 429/5xx, and `TooManyRequestsException`.
    static func classify(_ result: Result<HTTPResponse, any Error>) -> RetryClassification {
        if case .success(let response) = result, response.status == 400,
           errorType(response) == "TooManyRequestsException" {
            return .retryable(retryAfter: nil)
        }
        if case .success(let response) = result, response.status >= 500 {
            return .retryable(retryAfter: response.retryAfter)
        }
        return RetryClassification.default(for: result)
    }

    static func errorType(_ response: HTTPResponse) -> String? {
        let body = try? JSONDecoder().decode(CognitoWire.ErrorBody.self, from: Data(response.body))
        return body?.type.map(shortType)
    }

    static func shortType(_ type: String) -> String {
        type.split(separator: "#").last.map(String.init) ?? type
    }

    static func error(from response: HTTPResponse, username: String) -> CognitoError {
        let body = try? JSONDecoder().decode(CognitoWire.ErrorBody.self, from: Data(response.body))
        let message = body?.message ?? body?.capitalMessage ?? "HTTP \(response.status)"
        let type = body?.type.map(shortType) ?? (response.status >= 500 ? "Unavailable" : "HTTP\(response.status)")
        return CognitoError(type: type, message: message, status: response.status, username: username)
    }
}
