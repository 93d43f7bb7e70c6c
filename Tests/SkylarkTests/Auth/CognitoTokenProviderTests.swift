import Foundation
import IngestCore
import Testing
@testable import Skylark

/// A fake Cognito that counts logins and refreshes, takes a little time for each, and issues
/// numbered tokens valid for `lifetime` seconds on `clock`.
actor FakeAuthenticator: CognitoAuthenticating {
    private(set) var logins = 0
    private(set) var refreshes = 0
    private var issued = 0
    let clock: TestClock
    let lifetime: TimeInterval
    var refreshRejected = false
    var loginFailure: CognitoError?

    init(clock: TestClock, lifetime: TimeInterval = 3600) {
        self.clock = clock
        self.lifetime = lifetime
    }

    func rejectRefreshes() { refreshRejected = true }
    func failLogins(_ error: CognitoError?) { loginFailure = error }

    private func issue(refresh: Secret?) -> CognitoTokens {
        issued += 1
        return CognitoTokens(idToken: Secret("id-\(issued)"), accessToken: Secret("access-\(issued)"),
                             refreshToken: refresh, expiresAt: clock.now.addingTimeInterval(lifetime),
                             lifetime: lifetime, username: "internal-user")
    }

    func login(username: String, password: Secret) async throws -> CognitoTokens {
        logins += 1
        try await Task.sleep(for: .milliseconds(50))
        if let loginFailure { throw loginFailure }
        return issue(refresh: Secret("refresh-\(logins)"))
    }

    func refresh(refreshToken: Secret, username: String) async throws -> CognitoTokens {
        refreshes += 1
        try await Task.sleep(for: .milliseconds(50))
        if refreshRejected {
            throw CognitoError(type: "NotAuthorizedException", message: "Refresh Token has expired", status: 400)
        }
        #expect(username == "internal-user")
        return issue(refresh: nil)
    }
}

@Suite struct CognitoTokenProviderTests {
    private func provider(_ fake: FakeAuthenticator, clock: TestClock) -> CognitoTokenProvider {
        CognitoTokenProvider(authenticator: fake, username: "editor", password: Secret("pw"), now: clock.closure)
    }

    private func concurrently(_ count: Int, _ provider: CognitoTokenProvider) async throws -> Set<String> {
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<count { group.addTask { try await provider.idToken().revealed } }
            var seen = Set<String>()
            for try await token in group { seen.insert(token) }
            return seen
        }
    }

    @Test func refreshWindowIsFiveMinutesOrTwentyPercentWhicheverIsSmaller() {
        let start = Date(timeIntervalSince1970: 0)
        func tokens(_ lifetime: TimeInterval) -> CognitoTokens {
            CognitoTokens(idToken: Secret("i"), accessToken: Secret("a"), refreshToken: nil,
                          expiresAt: start.addingTimeInterval(lifetime), lifetime: lifetime, username: "u")
        }
        #expect(tokens(3600).refreshAt == start.addingTimeInterval(3300))
        #expect(tokens(2).refreshAt == start.addingTimeInterval(1.6))
        #expect(tokens(1000).refreshAt == start.addingTimeInterval(800))
    }

    @Test func hundredConcurrentCallersShareOneLogin() async throws {
        let clock = TestClock()
        let fake = FakeAuthenticator(clock: clock)
        let tokens = try await concurrently(100, provider(fake, clock: clock))
        #expect(tokens == ["id-1"])
        #expect(await fake.logins == 1)
        #expect(await fake.refreshes == 0)
    }

    @Test func hundredConcurrentCallersAfterExpiryShareOneRefresh() async throws {
        let clock = TestClock()
        let fake = FakeAuthenticator(clock: clock)
        let p = provider(fake, clock: clock)
        #expect(try await p.idToken().revealed == "id-1")
        clock.advance(3601)
        let tokens = try await concurrently(100, p)
        #expect(tokens == ["id-2"])
        #expect(await fake.logins == 1)
        #expect(await fake.refreshes == 1)
    }

    @Test func insideTheEarlyWindowTheValidTokenIsServedWhileOneRefreshRuns() async throws {
        let clock = TestClock()
        let fake = FakeAuthenticator(clock: clock)
        let p = provider(fake, clock: clock)
        _ = try await p.idToken()
        clock.advance(3400) // 200 s before expiry: inside the 300 s window
        let during = try await concurrently(50, p)
        #expect(during == ["id-1"])
        // Let the background refresh land, then the new token is served.
        for _ in 0..<100 where await fake.refreshes == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await p.idToken().revealed == "id-2")
        #expect(await fake.refreshes == 1)
        #expect(await fake.logins == 1)
    }

    @Test func rejectedRefreshTokenFallsBackToAFullLogin() async throws {
        let clock = TestClock()
        let fake = FakeAuthenticator(clock: clock)
        let p = provider(fake, clock: clock)
        _ = try await p.idToken()
        await fake.rejectRefreshes()
        clock.advance(4000)
        #expect(try await p.idToken().revealed == "id-2")
        #expect(await fake.refreshes == 1)
        #expect(await fake.logins == 2)
    }

    @Test func invalidateForcesTheNextCallToRefresh() async throws {
        let clock = TestClock()
        let fake = FakeAuthenticator(clock: clock)
        let p = provider(fake, clock: clock)
        let first = try await p.idToken()
        await p.invalidate(first)
        #expect(try await p.idToken().revealed == "id-2")
        #expect(await fake.refreshes == 1)
    }

    @Test func invalidatingAnOlderTokenKeepsTheNewOne() async throws {
        let clock = TestClock()
        let fake = FakeAuthenticator(clock: clock)
        let p = provider(fake, clock: clock)
        let first = try await p.idToken()
        await p.invalidate(first)
        let second = try await p.idToken()
        await p.invalidate(first) // a late 401 for the old token
        #expect(try await p.idToken() == second)
        #expect(await fake.refreshes == 1)
    }

    @Test func loginFailureReachesEveryWaiterAndTheNextCallTriesAgain() async throws {
        let clock = TestClock()
        let fake = FakeAuthenticator(clock: clock)
        await fake.failLogins(CognitoError(type: "NotAuthorizedException", message: "Incorrect username or password."))
        let p = provider(fake, clock: clock)
        await #expect(throws: CognitoError.self) { _ = try await concurrently(20, p) }
        #expect(await fake.logins == 1)
        await fake.failLogins(nil)
        #expect(try await p.idToken().revealed == "id-1")
        #expect(await fake.logins == 2)
    }
}
