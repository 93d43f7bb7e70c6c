import Foundation
import IngestCore

/// The credential cache every request signs through: resolves the chain once, then refreshes
/// temporary credentials before they expire (5 minutes ahead; at half-life for credentials that
/// live under 10 minutes), one refresh at a time shared by every concurrent caller (like
/// `CognitoTokenProvider`). Inside the early window the current credentials are returned while the
/// refresh runs; once they are about to expire (or were refused as expired), callers wait for new ones.
public actor RefreshingCredentialProvider: CredentialProvider {
    private let source: any CredentialProvider
    private let now: @Sendable () -> Date

    struct Cached: Sendable {
        var credentials: AWSCredentials
        /// Start a background refresh from here.
        var refreshAt: Date
        /// Never sign with them from here (a margin before the expiry).
        var usableUntil: Date
    }

    private var cached: Cached?
    private var invalidated = false
    private var inFlight: Task<Cached, any Error>?
    /// Where the current credentials came from (`environment`, `profile dev (credential_process)`…).
    public private(set) var resolvedSource: String?
    /// How many times the source was asked.
    public private(set) var fetchCount = 0

    public init(source: any CredentialProvider, now: @escaping @Sendable () -> Date = { Date() }) {
        self.source = source
        self.now = now
    }

    public nonisolated var sourceDescription: String { source.sourceDescription }

    public func credentials() async throws -> AWSCredentials {
        let time = now()
        if let cached, !invalidated, time < cached.usableUntil {
            if time >= cached.refreshAt, inFlight == nil { startRefresh() }
            return cached.credentials
        }
        let task = inFlight ?? startRefresh()
        return try await task.value.credentials
    }

    public func invalidate(_ credentials: AWSCredentials) async {
        // Only the credentials refused: a refusal that raced a refresh must not discard the new ones.
        if let cached, cached.credentials.accessKeyId == credentials.accessKeyId,
           cached.credentials.sessionToken == credentials.sessionToken {
            invalidated = true
        }
    }

    @discardableResult
    private func startRefresh() -> Task<Cached, any Error> {
        let task = Task { try await self.refresh() }
        inFlight = task
        return task
    }

    private func refresh() async throws -> Cached {
        fetchCount += 1
        do {
            let fresh: AWSCredentials
            if let chain = source as? CredentialChain {
                let resolved = try await chain.resolve()
                fresh = resolved.credentials
                resolvedSource = resolved.source
            } else {
                fresh = try await source.credentials()
                resolvedSource = source.sourceDescription
            }
            let entry = Self.schedule(fresh, obtainedAt: now())
            cached = entry
            invalidated = false
            inFlight = nil
            return entry
        } catch {
            inFlight = nil
            // A failed early refresh keeps the current credentials; try again halfway to their end.
            if let current = cached, !invalidated, now() < current.usableUntil {
                let time = now()
                let wait = min(max(current.usableUntil.timeIntervalSince(time) / 2, 0.1), 30)
                cached?.refreshAt = time.addingTimeInterval(wait)
                return current
            }
            throw error
        }
    }

    /// When to refresh `credentials` obtained at `obtainedAt`, and until when to sign with them (pure).
    static func schedule(_ credentials: AWSCredentials, obtainedAt: Date) -> Cached {
        guard let expiration = credentials.expiration else {
            return Cached(credentials: credentials, refreshAt: .distantFuture, usableUntil: .distantFuture)
        }
        let lifetime = expiration.timeIntervalSince(obtainedAt)
        guard lifetime > 0 else {
            // Already expired by our clock: use them for this one request, ask again next time.
            return Cached(credentials: credentials, refreshAt: obtainedAt, usableUntil: obtainedAt)
        }
        let refreshAt = lifetime > 600 ? expiration.addingTimeInterval(-300) : obtainedAt.addingTimeInterval(lifetime / 2)
        let margin = min(15, lifetime / 5)
        return Cached(credentials: credentials, refreshAt: refreshAt, usableUntil: expiration.addingTimeInterval(-margin))
    }

    /// The times `schedule` picks, for tests: (refreshAt, usableUntil).
    static func plan(_ credentials: AWSCredentials, obtainedAt: Date) -> (refreshAt: Date, usableUntil: Date) {
        let entry = schedule(credentials, obtainedAt: obtainedAt)
        return (entry.refreshAt, entry.usableUntil)
    }
}
