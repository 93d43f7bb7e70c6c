import IngestCore

/// Where the Skylark client gets its bearer ID token from.
public protocol TokenProvider: Sendable {
    /// A currently valid ID token (refreshing or logging in first when needed).
    func idToken() async throws -> Secret
    /// Tells the provider the server rejected `token` (a 401); the next `idToken()` gets a new one.
    func invalidate(_ token: Secret) async
}

/// A fixed bearer token (`SKYLARK_TOKEN`): never refreshed, so a 401 is final.
public struct StaticTokenProvider: TokenProvider {
    private let token: Secret

    /// Wraps `token`.
    public init(token: Secret) { self.token = token }

    public func idToken() async throws -> Secret { token }

    public func invalidate(_ token: Secret) async {}
}
