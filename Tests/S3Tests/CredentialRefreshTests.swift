import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing
@testable import S3

/// A source that hands out numbered credentials living `lifetime` seconds on the test's clock, slowly.
actor NumberedSource: CredentialProvider {
    private let clock: TestClock
    private let lifetime: TimeInterval?
    private let delay: Duration
    private var failing = false
    private(set) var asked = 0

    init(clock: TestClock, lifetime: TimeInterval?, delay: Duration = .milliseconds(20)) {
        self.clock = clock
        self.lifetime = lifetime
        self.delay = delay
    }

    nonisolated var sourceDescription: String { "numbered" }

    func fail(_ value: Bool) { failing = value }

    func credentials() async throws -> AWSCredentials {
        asked += 1
        let number = asked
        try await Task.sleep(for: delay)
        if failing { throw CredentialSourceError.failed("source down") }
        return AWSCredentials(accessKeyId: "AKID\(number)", secretAccessKey: Secret("s\(number)"),
                              expiration: lifetime.map { clock.now().addingTimeInterval($0) })
    }
}

/// A settable clock.
final class TestClock: Sendable {
    private let time = Locked(Date(timeIntervalSince1970: 1_700_000_000))
    func now() -> Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
}

@Suite struct CredentialRefreshTests {
    @Test func scheduleRefreshesFiveMinutesAheadOrAtHalfLifeForShortCredentials() {
        let start = Date(timeIntervalSince1970: 0)
        let hour = AWSCredentials(accessKeyId: "A", secretAccessKey: Secret("s"), expiration: start.addingTimeInterval(3600))
        let long = RefreshingCredentialProvider.plan(hour, obtainedAt: start)
        #expect(long.refreshAt == start.addingTimeInterval(3300))
        #expect(long.usableUntil == start.addingTimeInterval(3585))
        let short = AWSCredentials(accessKeyId: "A", secretAccessKey: Secret("s"), expiration: start.addingTimeInterval(3))
        let brief = RefreshingCredentialProvider.plan(short, obtainedAt: start)
        #expect(brief.refreshAt == start.addingTimeInterval(1.5))
        #expect(brief.usableUntil < start.addingTimeInterval(3) && brief.usableUntil > brief.refreshAt)
        let forever = RefreshingCredentialProvider.plan(AWSCredentials(accessKeyId: "A", secretAccessKey: Secret("s")), obtainedAt: start)
        #expect(forever.refreshAt == .distantFuture)
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let clock = TestClock()
        let source = NumberedSource(clock: clock, lifetime: 3, delay: .milliseconds(100))
        let provider = RefreshingCredentialProvider(source: source, now: { clock.now() })
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await provider.credentials().accessKeyId } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(keys == ["AKID1"])
        #expect(await source.asked == 1)

        // Past expiry: every caller waits for the one new fetch.
        clock.advance(5)
        let after = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 { group.addTask { try await provider.credentials().accessKeyId } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(after == ["AKID2"])
        #expect(await source.asked == 2)
    }

    @Test func insideTheEarlyWindowCurrentCredentialsAreServedWhileOneRefreshRuns() async throws {
        let clock = TestClock()
        let source = NumberedSource(clock: clock, lifetime: 3, delay: .milliseconds(50))
        let provider = RefreshingCredentialProvider(source: source, now: { clock.now() })
        #expect(try await provider.credentials().accessKeyId == "AKID1")
        clock.advance(1.6)  // past half-life, before the margin
        #expect(try await provider.credentials().accessKeyId == "AKID1")
        #expect(try await provider.credentials().accessKeyId == "AKID1")
        var fresh = ""
        for _ in 0..<3000 where fresh != "AKID2" {  // up to 30 s on a loaded machine
            try await Task.sleep(for: .milliseconds(10))
            fresh = try await provider.credentials().accessKeyId
        }
        #expect(fresh == "AKID2")
        #expect(await source.asked == 2)
    }

    @Test func staticCredentialsAreFetchedOnceAndInvalidateForcesAFetch() async throws {
        let clock = TestClock()
        let source = NumberedSource(clock: clock, lifetime: nil)
        let provider = RefreshingCredentialProvider(source: source, now: { clock.now() })
        let first = try await provider.credentials()
        clock.advance(86_400 * 3)
        #expect(try await provider.credentials() == first)
        // A refusal of other (older) credentials changes nothing.
        await provider.invalidate(AWSCredentials(accessKeyId: "OLD", secretAccessKey: Secret("x")))
        #expect(try await provider.credentials() == first)
        await provider.invalidate(first)
        #expect(try await provider.credentials().accessKeyId == "AKID2")
        #expect(await provider.fetchCount == 2)
    }

    @Test func aFailedEarlyRefreshKeepsTheCurrentCredentialsUntilTheyExpire() async throws {
        let clock = TestClock()
        let source = NumberedSource(clock: clock, lifetime: 3600, delay: .milliseconds(1))
        let provider = RefreshingCredentialProvider(source: source, now: { clock.now() })
        _ = try await provider.credentials()
        await source.fail(true)
        clock.advance(3400)
        #expect(try await provider.credentials().accessKeyId == "AKID1")
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await provider.credentials().accessKeyId == "AKID1")
        clock.advance(300)
        await #expect(throws: CredentialSourceError.self) { try await provider.credentials() }
    }

    @Test func theChainNamesEverySourceTriedAndWhyWithoutSecrets() async throws {
        let dir = try TempDirectory(prefix: "chain")
        defer { dir.remove() }
        let http = RecordedHTTPClient { _ in HTTPResponse(status: 500) }
        let env = ["HOME": dir.url.path, "AWS_EC2_METADATA_DISABLED": "true", "AWS_SESSION_TOKEN": "lonely-token"]
        do {
            _ = try await CredentialChain.standard(environment: env, http: http).credentials()
            Issue.record("expected AWS_NO_CREDENTIALS")
        } catch let error as IngestError {
            #expect(error.code == .awsNoCredentials)
            let tried = error.message.components(separatedBy: "tried: ").last ?? ""
            let parts = tried.components(separatedBy: "; ")
            #expect(parts.count == 5, "\(error.message)")
            #expect(error.message.contains("environment: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY not set"))
            #expect(error.message.contains("web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set"))
            #expect(error.message.contains("profile default: no such profile in \(dir.url.path)/.aws/config"))
            #expect(error.message.contains("container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
            #expect(error.message.contains("instance metadata: disabled"))
            #expect(!error.description.contains("lonely-token"))
        }
        #expect(http.requests.isEmpty)
    }

    @Test func aConfiguredSourceThatFailsStopsTheChainBeforeInstanceMetadata() async throws {
        let http = RecordedHTTPClient { request in
            if request.url.contains("/creds") { return HTTPResponse(status: 403) }
            Issue.record("unexpected \(request.url)")
            return HTTPResponse(status: 500)
        }
        let env = ["HOME": "/nonexistent", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds",
                   "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:8"]
        await #expect {
            try await CredentialChain.standard(environment: env, http: http).credentials()
        } throws: { error in
            let message = (error as? IngestError)?.message ?? ""
            return message.contains("container: container endpoint answered HTTP 403") && !message.contains("instance metadata")
        }
    }

    @Test func theChainTakesSourcesInTheSDKOrder() async throws {
        let dir = try TempDirectory(prefix: "chain")
        defer { dir.remove() }
        let tokenFile = try dir.write("token", "jwt")
        let configPath = try dir.write("config", "[default]\naws_access_key_id = P\naws_secret_access_key = PS\n")
        let http = RecordedHTTPClient { request in
            request.url.contains("sts") ? RecordedHTTPClient.text(200, Recorded.webIdentityResponse)
                : RecordedHTTPClient.text(200, Recorded.containerCredentials)
        }
        var env = ["HOME": dir.url.path, "AWS_CONFIG_FILE": configPath, "AWS_EC2_METADATA_DISABLED": "true",
                   "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds",
                   "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::1:role/x",
                   "AWS_ACCESS_KEY_ID": "E", "AWS_SECRET_ACCESS_KEY": "ES"]
        func resolved() async throws -> (String, String) {
            let result = try await CredentialChain.standard(environment: env, http: http).resolve()
            return (result.credentials.accessKeyId, result.source)
        }
        #expect(try await resolved() == ("E", "environment"))
        env.removeValue(forKey: "AWS_ACCESS_KEY_ID")
        #expect(try await resolved() == ("ASIAWEBIDENTITY", "web identity (role arn:aws:iam::1:role/x)"))
        env.removeValue(forKey: "AWS_ROLE_ARN")
        #expect(try await resolved() == ("P", "profile default"))
        env.removeValue(forKey: "AWS_CONFIG_FILE")
        #expect(try await resolved() == ("ASIACONTAINER", "container"))
    }
}

@Suite struct S3ClientCredentialTests {
    static func client(_ http: any HTTPClient, _ provider: any CredentialProvider) -> S3Client {
        S3Client(http: http, configuration: S3Configuration(region: "eu-west-1", endpoint: "http://127.0.0.1:9"),
                 credentials: provider,
                 retry: RetryExecutor(policy: RetryPolicy(maxAttempts: 4, base: .milliseconds(1), cap: .milliseconds(2)),
                                      budget: RetryBudget(), sleep: { _ in }))
    }

    static func keyId(_ request: HTTPRequest) -> String {
        let auth = request.headers["Authorization"] ?? ""
        guard let range = auth.range(of: "Credential=") else { return "" }
        return String(auth[range.upperBound...].prefix { $0 != "/" })
    }

    @Test func everyRetryIsSignedWithTheProvidersCurrentCredentials() async throws {
        let clock = TestClock()
        let source = NumberedSource(clock: clock, lifetime: nil, delay: .zero)
        let http = ScriptedHTTPClient([S3ClientRetryTests.xmlError(503, "SlowDown"), .success(HTTPResponse(status: 200))])
        // The source is asked on every attempt (no cache), so the retry carries the next key.
        try await Self.client(http, source).headBucket("b")
        #expect(http.requests.map(Self.keyId) == ["AKID1", "AKID2"])
    }

    @Test func expiredTokenInvalidatesTheCredentialsAndRetriesOnceWithFreshOnes() async throws {
        let clock = TestClock()
        let source = NumberedSource(clock: clock, lifetime: 3600, delay: .zero)
        let provider = RefreshingCredentialProvider(source: source, now: { clock.now() })
        let http = ScriptedHTTPClient([S3ClientRetryTests.xmlError(400, "ExpiredToken"), .success(HTTPResponse(status: 200))])
        try await Self.client(http, provider).headBucket("b")
        #expect(http.requests.map(Self.keyId) == ["AKID1", "AKID2"])

        let twice = ScriptedHTTPClient([S3ClientRetryTests.xmlError(403, "InvalidToken"), S3ClientRetryTests.xmlError(403, "InvalidToken")])
        await #expect(throws: S3Error.self) { try await Self.client(twice, provider).headBucket("b") }
        #expect(twice.requestCount == 2)

        let denied = ScriptedHTTPClient([S3ClientRetryTests.xmlError(403, "AccessDenied")])
        await #expect(throws: S3Error.self) { try await Self.client(denied, provider).headBucket("b") }
        #expect(denied.requestCount == 1)
    }

    @Test func expiredTokenCodesAreRecognised() {
        for code in ["ExpiredToken", "ExpiredTokenException", "InvalidToken", "TokenRefreshRequired"] {
            #expect(S3Client.isExpiredCredentials(S3Error(code: code, status: 400, message: "m")))
        }
        #expect(!S3Client.isExpiredCredentials(S3Error(code: "SignatureDoesNotMatch", status: 403, message: "m")))
    }
}
