import HTTPEngine
import IngestCore
import XCTest
@testable import Pipeline

/// The AIMD controller of Skylark API calls, driven by a fake clock (a `Duration` since the run started).
final class AdaptiveConcurrencyTests: XCTestCase {
    private let ms = Duration.milliseconds(1)

    /// `count` successes of `latency` each with the limit fully in use, one per millisecond from `from`.
    private func succeed(_ controller: inout AdaptiveConcurrency, _ count: Int, latency: Duration = .milliseconds(20),
                         from: Duration = .zero) -> [AdaptiveConcurrency.Change] {
        var changes: [AdaptiveConcurrency.Change] = []
        for i in 0..<count {
            if let change = controller.succeeded(latency: latency, inFlight: controller.limit,
                                                 now: from + ms * i) { changes.append(change) }
        }
        return changes
    }

    func testStartsAtEightAndGrowsByOneEveryFewSuccessesWhileLatencyHolds() {
        var controller = AdaptiveConcurrency()
        XCTAssertEqual(controller.limit, 8)
        let changes = succeed(&controller, 40)
        XCTAssertEqual(controller.limit, 18)
        XCTAssertEqual(changes.count, 10)
        XCTAssertTrue(changes.allSatisfy { $0.to == $0.from + 1 && $0.reason == "latency holds" })
    }

    func testDoesNotGrowWhenTheLimitIsNotInUse() {
        var controller = AdaptiveConcurrency()
        for i in 0..<100 {
            XCTAssertNil(controller.succeeded(latency: .milliseconds(20), inFlight: 3, now: ms * i))
        }
        XCTAssertEqual(controller.limit, 8)
    }

    func testStopsGrowingWhenLatencyRisesBeyondTheTolerance() {
        var controller = AdaptiveConcurrency()
        _ = succeed(&controller, 20, latency: .milliseconds(20))
        let grown = controller.limit
        // Latency climbs to 10× the best seen: the smoothed value soon leaves 2× + 10 ms and growth stops.
        let changes = succeed(&controller, 200, latency: .milliseconds(200), from: .seconds(1))
        XCTAssertLessThanOrEqual(changes.count, 2)
        XCTAssertLessThanOrEqual(controller.limit, grown + 2)
        // Latency back to normal: it grows again.
        _ = succeed(&controller, 200, latency: .milliseconds(20), from: .seconds(2))
        XCTAssertGreaterThan(controller.limit, grown + 2)
    }

    func testNeverGrowsAboveTheCap() {
        var controller = AdaptiveConcurrency(.init(initial: 8, maximum: 12))
        _ = succeed(&controller, 1000)
        XCTAssertEqual(controller.limit, 12)
        var fixed = AdaptiveConcurrency(.fixed(5))
        XCTAssertEqual(fixed.limit, 5)
        XCTAssertTrue(succeed(&fixed, 100).isEmpty)
        XCTAssertEqual(fixed.limit, 5)
    }

    func testHalvesOn429And503() {
        var controller = AdaptiveConcurrency(.init(initial: 40, maximum: 64))
        let first = controller.overloaded(status: 429, retryAfter: nil, startedAt: .seconds(1), now: .seconds(1))
        XCTAssertEqual(first, AdaptiveConcurrency.Change(from: 40, to: 20, reason: "429"))
        let second = controller.overloaded(status: 503, retryAfter: nil, startedAt: .seconds(2), now: .seconds(2))
        XCTAssertEqual(second, AdaptiveConcurrency.Change(from: 20, to: 10, reason: "503"))
        XCTAssertTrue(AdaptiveConcurrency.isOverload(429))
        XCTAssertTrue(AdaptiveConcurrency.isOverload(503))
        XCTAssertFalse(AdaptiveConcurrency.isOverload(500))
    }

    func testHalvesOncePerOverloadNotOncePerAnswer() {
        var controller = AdaptiveConcurrency(.init(initial: 32, maximum: 64))
        // 32 calls in flight, sent at 0–31 ms, all answered 429 from 100 ms on: one halving.
        var changes: [AdaptiveConcurrency.Change] = []
        for i in 0..<32 {
            if let change = controller.overloaded(status: 429, retryAfter: nil, startedAt: ms * i,
                                                  now: .milliseconds(100) + ms * i) { changes.append(change) }
        }
        XCTAssertEqual(changes.map(\.to), [16])
        // A call sent after that decrease and refused again halves it again.
        XCTAssertEqual(controller.overloaded(status: 429, retryAfter: nil, startedAt: .milliseconds(200),
                                             now: .milliseconds(220))?.to, 8)
    }

    func testNeverBelowOne() {
        var controller = AdaptiveConcurrency(.init(initial: 3, maximum: 8))
        for i in 1...10 {
            _ = controller.overloaded(status: 503, retryAfter: nil, startedAt: .seconds(i), now: .seconds(i))
            XCTAssertGreaterThanOrEqual(controller.limit, 1)
        }
        XCTAssertEqual(controller.limit, 1)
        XCTAssertNil(controller.overloaded(status: 503, retryAfter: nil, startedAt: .seconds(20), now: .seconds(20)))
        XCTAssertEqual(controller.limit, 1)
    }

    func testHonoursRetryAfterBeforeAnyCallStarts() {
        var controller = AdaptiveConcurrency()
        XCTAssertEqual(controller.holdRemaining(now: .seconds(1)), .zero)
        _ = controller.overloaded(status: 429, retryAfter: .seconds(2), startedAt: .seconds(1), now: .seconds(1))
        XCTAssertEqual(controller.holdRemaining(now: .seconds(1)), .seconds(2))
        XCTAssertEqual(controller.holdRemaining(now: .milliseconds(2500)), .milliseconds(500))
        XCTAssertEqual(controller.holdRemaining(now: .seconds(3)), .zero)
        // A shorter Retry-After never shortens a longer hold; an absurd one is capped.
        _ = controller.overloaded(status: 429, retryAfter: .seconds(5), startedAt: .seconds(3), now: .seconds(3))
        _ = controller.overloaded(status: 429, retryAfter: .seconds(1), startedAt: .seconds(3), now: .seconds(4))
        XCTAssertEqual(controller.holdRemaining(now: .seconds(4)), .seconds(4))
        _ = controller.overloaded(status: 503, retryAfter: .seconds(86_400), startedAt: .seconds(9), now: .seconds(9))
        XCTAssertEqual(controller.holdRemaining(now: .seconds(9)), .seconds(60))
    }

    func testDoesNotGrowDuringARetryAfterHold() {
        var controller = AdaptiveConcurrency(.init(initial: 16, maximum: 64))
        _ = controller.overloaded(status: 429, retryAfter: .seconds(1), startedAt: .zero, now: .zero)
        XCTAssertEqual(controller.limit, 8)
        XCTAssertTrue(succeed(&controller, 50, from: .milliseconds(100)).isEmpty)
        XCTAssertFalse(succeed(&controller, 50, from: .seconds(2)).isEmpty)
    }
}

/// `--concurrency auto|N` and the limiter every Skylark call of a run goes through.
final class APICallLimiterTests: XCTestCase {
    func testConcurrencyFlagIsAutoByDefaultOrAFixedCeiling() {
        XCTAssertEqual(APIConcurrency(parsing: "auto"), .auto(maximum: 64))
        XCTAssertEqual(APIConcurrency(parsing: "auto", maximum: 16)?.settings,
                       AdaptiveConcurrency.Settings(initial: 8, maximum: 16))
        XCTAssertEqual(APIConcurrency(parsing: "auto", maximum: 4)?.settings.initial, 4)
        XCTAssertEqual(APIConcurrency(parsing: "12", maximum: 4), .fixed(12))
        XCTAssertEqual(APIConcurrency(parsing: "12")?.ceiling, 12)
        XCTAssertEqual(APIConcurrency(parsing: "12")?.settings, .fixed(12))
        XCTAssertNil(APIConcurrency(parsing: "0"))
        XCTAssertNil(APIConcurrency(parsing: "many"))
        XCTAssertNil(APIConcurrency(parsing: "auto", maximum: 0))
    }

    /// An HTTP client that answers each request with the next status, holding it until released.
    private actor ScriptedHTTP: HTTPClient {
        var statuses: [Int]
        var retryAfter: String?
        private(set) var maxInFlight = 0
        private var inFlight = 0
        init(statuses: [Int], retryAfter: String? = nil) {
            self.statuses = statuses
            self.retryAfter = retryAfter
        }
        nonisolated func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
            await enter()
            try await Task.sleep(for: .milliseconds(2))
            return await leave()
        }
        private func enter() {
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
        }
        private func leave() -> HTTPResponse {
            inFlight -= 1
            let status = statuses.isEmpty ? 200 : statuses.removeFirst()
            var headers: HTTPHeaders = [:]
            if let retryAfter, status == 429 { headers.add("Retry-After", retryAfter) }
            return HTTPResponse(status: status, headers: headers)
        }
    }

    func testNoMoreCallsInFlightThanTheLimit() async throws {
        let http = ScriptedHTTP(statuses: [])
        let limiter = APICallLimiter(.fixed(3))
        let client = LimitedHTTPClient(base: http, limiter: limiter)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<30 {
                group.addTask { _ = try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:9/")) }
            }
            try await group.waitForAll()
        }
        let most = await http.maxInFlight
        XCTAssertLessThanOrEqual(most, 3)
        let active = await limiter.active
        XCTAssertEqual(active, 0)
    }

    func testA429HalvesTheLimitAndIsLoggedAndRetryAfterHoldsTheNextCall() async throws {
        let http = ScriptedHTTP(statuses: [429], retryAfter: "1")
        let changes = Locked<[String]>([])
        let limiter = APICallLimiter(.init(initial: 8, maximum: 64), log: { message, _ in
            changes.withLock { $0.append(message) }
        })
        let client = LimitedHTTPClient(base: http, limiter: limiter)
        let first = try await client.execute(HTTPRequest(method: "POST", url: "http://127.0.0.1:9/"))
        XCTAssertEqual(first.status, 429)
        let limit = await limiter.limit
        XCTAssertEqual(limit, 4)
        XCTAssertEqual(changes.withLock { $0 }, ["Skylark API concurrency 8 → 4 (429)"])
        let clock = ContinuousClock()
        let started = clock.now
        _ = try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:9/"))
        // The next call waited out the server's Retry-After (1 s); only a lower bound is checked.
        XCTAssertGreaterThanOrEqual(clock.now - started, .milliseconds(900))
    }
}
