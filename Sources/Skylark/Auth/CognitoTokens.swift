import Foundation
import IngestCore

/// The tokens of one Cognito `AuthenticationResult`, with when they stop being valid.
public struct CognitoTokens: Sendable {
    /// The ID token: the bearer token of Skylark API calls.
    public var idToken: Secret
    /// The access token.
    public var accessToken: Secret
    /// The refresh token (absent from a `REFRESH_TOKEN_AUTH` answer: the old one stays valid).
    public var refreshToken: Secret?
    /// When the ID and access tokens expire (request time + `ExpiresIn`).
    public var expiresAt: Date
    /// How long the tokens were valid for when issued.
    public var lifetime: TimeInterval
    /// The internal user name (`USERNAME` of the SRP challenge) that `SECRET_HASH` of a refresh uses.
    public var username: String

    /// Creates a token set.
    public init(idToken: Secret, accessToken: Secret, refreshToken: Secret?, expiresAt: Date,
                lifetime: TimeInterval, username: String) {
        self.idToken = idToken
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
        self.lifetime = lifetime
        self.username = username
    }

    /// When to refresh: shortly before expiry, by 5 minutes or 20 % of the lifetime, whichever is smaller.
    public var refreshAt: Date {
        expiresAt.addingTimeInterval(-min(300, lifetime * 0.2))
    }
}
