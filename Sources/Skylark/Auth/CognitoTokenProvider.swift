import Foundation
import IngestCore
import Logging

/// What a `CognitoTokenProvider` logs in and refreshes with (a `CognitoClient`, or a test fake).
public protocol CognitoAuthenticating: Sendable {
    /// A full SRP login.
    func login(username: String, password: Secret) async throws -> CognitoTokens
    /// A `REFRESH_TOKEN_AUTH` refresh.
    func refresh(refreshToken: Secret, username: String) async throws -> CognitoTokens
}

extension CognitoClient: CognitoAuthenticating {}

/// A Cognito token cache: logs in on first use, refreshes with the refresh token shortly before
/// expiry, falls back to a full SRP login when the refresh token is refused, and runs at most one
/// login or refresh at a time, shared by every concurrent caller.
///
/// Inside the early-refresh window the current (still valid) token is returned while a refresh
/// runs in the background; once expired or invalidated, callers wait for the new token.
public actor CognitoTokenProvider: TokenProvider {
    private let authenticator: any CognitoAuthenticating
    private let username: String
    private let password: Secret
    private let now: @Sendable () -> Date
    private let logger: Logger

    private var tokens: CognitoTokens?
    private var invalidated = false
    private var inFlight: Task<CognitoTokens, any Error>?

    /// Creates a provider for `username` (the password is kept only as a `Secret`).
    public init(authenticator: any CognitoAuthenticating, username: String, password: Secret,
                logger: Logger = Logger(label: "skylark.tokens"), now: @escaping @Sendable () -> Date = { Date() }) {
        self.authenticator = authenticator
        self.username = username
        self.password = password
        self.logger = logger
        self.now = now
    }

    public func idToken() async throws -> Secret {
        let time = now()
        if let tokens, !invalidated, time < tokens.expiresAt {
            if time >= tokens.refreshAt, inFlight == nil {
                startRenewal()
            }
            return tokens.idToken
        }
        let task = inFlight ?? startRenewal()
        return try await task.value.idToken
    }

    public func invalidate(_ token: Secret) async {
        // Only the token the server refused: a 401 that raced a refresh must not discard the new one.
        if tokens?.idToken == token {
            invalidated = true
            logger.debug("ID token invalidated after a 401")
        }
    }

    /// Starts the one login or refresh; its result is stored when it lands.
    @discardableResult
    private func startRenewal() -> Task<CognitoTokens, any Error> {
        let previous = tokens
        let task = Task { try await self.renew(previous: previous) }
        inFlight = task
        return task
    }

    private func renew(previous: CognitoTokens?) async throws -> CognitoTokens {
        do {
            let fresh = try await obtain(previous: previous)
            tokens = fresh
            invalidated = false
            inFlight = nil
            return fresh
        } catch {
            inFlight = nil
            throw error
        }
    }

    private func obtain(previous: CognitoTokens?) async throws -> CognitoTokens {
        if let previous, let refreshToken = previous.refreshToken {
            do {
                logger.debug("refreshing the Cognito ID token", metadata: ["user": "\(username)"])
                return try await authenticator.refresh(refreshToken: refreshToken, username: previous.username)
            } catch let error as CognitoError where error.isNotAuthorized {
                logger.debug("refresh token refused; logging in again", metadata: ["user": "\(username)"])
            }
        }
        logger.debug("logging in to Cognito with SRP", metadata: ["user": "\(username)"])
        return try await authenticator.login(username: username, password: password)
    }
}
