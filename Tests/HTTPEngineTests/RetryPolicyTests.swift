import Foundation
import HTTPEngine
import IngestCore
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, base: .milliseconds(100), cap: .seconds(20))

    @Test func backoffCeilingDoublesPerAttemptUpToTheCap() {
        let ceilings = (0..<12).map { policy.delay(attempt: $0, retryAfter: nil, random: { 0.999_999_999 }) }
        let expectedMilliseconds: [Double] = [100, 200, 400, 800, 1600, 3200, 6400, 12800, 20000, 20000, 20000, 20000]
        for (ceiling, expected) in zip(ceilings, expectedMilliseconds) {
            let milliseconds = Double(ceiling.components.seconds) * 1000 + Double(ceiling.components.attoseconds) / 1e15
            #expect(abs(milliseconds - expected) < 0.01, "ceiling \(milliseconds) ms != \(expected) ms")
        }
    }

    @Test func fullJitterScalesTheCeilingByTheRandomDraw() {
        #expect(policy.delay(attempt: 3, retryAfter: nil, random: { 0 }) == .zero)
        #expect(policy.delay(attempt: 3, retryAfter: nil, random: { 0.5 }) == .milliseconds(400))
        #expect(policy.delay(attempt: 1, retryAfter: nil, random: { 0.25 }) == .milliseconds(50))
    }

    @Test func hugeAttemptNumbersStayAtTheCap() {
        #expect(policy.delay(attempt: 10_000, retryAfter: nil, random: { 0.5 }) == .seconds(10))
    }

    @Test func retryAfterIsALowerBound() {
        #expect(policy.delay(attempt: 0, retryAfter: .seconds(2), random: { 0.5 }) == .seconds(2))
        #expect(policy.delay(attempt: 8, retryAfter: .seconds(2), random: { 0.5 }) == .seconds(10))
    }

    @Test func absurdRetryAfterIsShortenedToTheMaximum() {
        #expect(policy.delay(attempt: 0, retryAfter: .seconds(86_400), random: { 0 }) == .seconds(60))
    }

    @Test func attemptsAreBoundedByMaxAttempts() {
        #expect(policy.allowsAnotherAttempt(after: 4))
        #expect(!policy.allowsAnotherAttempt(after: 5))
        #expect(!RetryPolicy(maxAttempts: 0).allowsAnotherAttempt(after: 1))
        #expect(RetryPolicy.uploads.maxAttempts == 5)
    }
}

@Suite struct RetryClassificationTests {
    @Test func serverErrorsThrottlingAndTimeoutsAreRetryable() {
        for status in [408, 429, 500, 502, 503, 504] {
            #expect(RetryClassification.default(for: HTTPResponse(status: status)).isRetryable, "status \(status)")
        }
    }

    @Test func successAndClientErrorsAreNot() {
        for status in [200, 204, 301, 400, 401, 403, 404, 409, 412, 501] {
            #expect(RetryClassification.default(for: HTTPResponse(status: status)) == .notRetryable, "status \(status)")
        }
    }

    @Test func retryAfterSecondsAreReadFromTheResponse() {
        let response = HTTPResponse(status: 503, headers: ["Retry-After": "7"])
        #expect(RetryClassification.default(for: response) == .retryable(retryAfter: .seconds(7)))
    }

    @Test func retryAfterHTTPDateIsRelativeToNow() {
        let now = Date(timeIntervalSince1970: 1_445_412_470) // 2015-10-21 07:27:50 GMT
        let response = HTTPResponse(status: 429, headers: ["Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"])
        #expect(RetryClassification.default(for: response, now: now) == .retryable(retryAfter: .seconds(10)))
        #expect(RetryClassification.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now.addingTimeInterval(60)) == .zero)
    }

    @Test func unreadableRetryAfterIsIgnored() {
        #expect(RetryClassification.parseRetryAfter("soon") == nil)
        #expect(RetryClassification.parseRetryAfter("-3") == nil)
        let response = HTTPResponse(status: 503, headers: ["Retry-After": "soon"])
        #expect(RetryClassification.default(for: response) == .retryable(retryAfter: nil))
    }

    @Test func transportErrorsFollowTheirRetryability() {
        let retryable: [TransportError.Kind] = [.connectionReset, .timedOut, .couldNotConnect, .sendFailed, .receiveFailed]
        let final: [TransportError.Kind] = [.cancelled, .fileReadFailed, .tls, .couldNotResolve]
        for kind in retryable {
            #expect(RetryClassification.default(for: TransportError(kind: kind, message: "", url: "")).isRetryable)
        }
        for kind in final {
            #expect(!RetryClassification.default(for: TransportError(kind: kind, message: "", url: "")).isRetryable)
        }
        #expect(!RetryClassification.default(for: CancellationError()).isRetryable)
    }
}

@Suite struct RetryBudgetTests {
    @Test func retriesSpendTokensAndTimeoutsSpendMore() {
        let budget = RetryBudget(capacity: 20)
        #expect(budget.acquireRetry(afterTimeout: false) == 5)
        #expect(budget.acquireRetry(afterTimeout: true) == 10)
        #expect(budget.available == 5)
        #expect(budget.acquireRetry(afterTimeout: true) == nil)
        #expect(budget.acquireRetry(afterTimeout: false) == 5)
        #expect(budget.acquireRetry(afterTimeout: false) == nil)
    }

    @Test func successesRefillButNeverAboveCapacity() {
        let budget = RetryBudget(capacity: 500)
        budget.recordSuccess(retryCost: nil)
        #expect(budget.available == 500)
        _ = budget.acquireRetry(afterTimeout: true)
        budget.recordSuccess(retryCost: nil)
        #expect(budget.available == 491)
        budget.recordSuccess(retryCost: 10)
        #expect(budget.available == 500)
    }

    @Test func booleanAcquireSpendsTheSameTokens() {
        let budget = RetryBudget(capacity: 12)
        #expect(budget.acquire(timeout: true))
        #expect(!budget.acquire(timeout: false))
        for _ in 0..<3 { budget.recordSuccess() }
        #expect(budget.acquire(timeout: false))
        #expect(budget.available == 0)
    }

    @Test func exhaustedBudgetErrorSaysTheServiceLooksDown() {
        let error = RetryBudgetExhaustedError(lastFailure: "HTTP 503").ingestError
        #expect(error.code == .retryBudgetExhausted)
        #expect(error.message.contains("looks down"))
        #expect(error.message.contains("HTTP 503"))
    }
}

/// Records sleeps instead of waiting.
final class SleepRecorder: Sendable {
    private let storage = Locked<[Duration]>([])
    var sleeps: [Duration] { storage.withLock { $0 } }
    func sleep(_ duration: Duration) async throws {
        try Task.checkCancellation()
        storage.withLock { $0.append(duration) }
    }
}

/// Counts operation calls.
final class Counter: Sendable {
    private let value = Locked(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
    var count: Int { value.withLock { $0 } }
}

@Suite struct RetryExecutorTests {
    func executor(attempts: Int = 5, budget: RetryBudget? = nil, recorder: SleepRecorder) -> RetryExecutor {
        RetryExecutor(policy: RetryPolicy(maxAttempts: attempts), budget: budget, random: { 0.5 },
                      sleep: { try await recorder.sleep($0) })
    }

    @Test func retriesUntilSuccessWithJitteredBackoff() async throws {
        let recorder = SleepRecorder()
        let calls = Counter()
        let response = try await executor(recorder: recorder).run(operation: { _ in
            calls.next() < 3 ? HTTPResponse(status: 503) : HTTPResponse(status: 200)
        }, classify: RetryClassification.default(for:))
        #expect(response.status == 200)
        #expect(calls.count == 3)
        #expect(recorder.sleeps == [.milliseconds(50), .milliseconds(100)])
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastResponse() async throws {
        let recorder = SleepRecorder()
        let calls = Counter()
        let response = try await executor(attempts: 4, recorder: recorder).run(operation: { _ in
            _ = calls.next()
            return HTTPResponse(status: 500)
        }, classify: RetryClassification.default(for:))
        #expect(response.status == 500)
        #expect(calls.count == 4)
        #expect(recorder.sleeps.count == 3)
    }

    @Test func rethrowsTheLastErrorWhenAttemptsRunOut() async throws {
        let recorder = SleepRecorder()
        let reset = TransportError(kind: .connectionReset, message: "reset", url: "http://x/")
        await #expect(throws: reset) {
            _ = try await executor(attempts: 2, recorder: recorder).run(operation: { _ -> HTTPResponse in throw reset },
                                                                         classify: RetryClassification.default(for:))
        }
        #expect(recorder.sleeps.count == 1)
    }

    @Test func notRetryableOutcomesReturnAtOnce() async throws {
        let recorder = SleepRecorder()
        let calls = Counter()
        let response = try await executor(recorder: recorder).run(operation: { _ in
            _ = calls.next()
            return HTTPResponse(status: 403)
        }, classify: RetryClassification.default(for:))
        #expect(response.status == 403)
        #expect(calls.count == 1)
        #expect(recorder.sleeps.isEmpty)
    }

    @Test func retryAfterFromTheClassifierIsHonoured() async throws {
        let recorder = SleepRecorder()
        let calls = Counter()
        _ = try await executor(recorder: recorder).run(operation: { _ in
            calls.next() == 1 ? HTTPResponse(status: 503, headers: ["Retry-After": "3"]) : HTTPResponse(status: 200)
        }, classify: RetryClassification.default(for:))
        #expect(recorder.sleeps == [.seconds(3)])
    }

    @Test func emptyBudgetFailsFastWithRetryBudgetExhausted() async throws {
        let recorder = SleepRecorder()
        let calls = Counter()
        let budget = RetryBudget(capacity: 12)
        await #expect(throws: RetryBudgetExhaustedError.self) {
            for _ in 0..<3 {
                _ = try await executor(attempts: 5, budget: budget, recorder: recorder).run(operation: { _ in
                    _ = calls.next()
                    return HTTPResponse(status: 503)
                }, classify: RetryClassification.default(for:))
            }
        }
        // 12 tokens pay for two retries of 5: three calls, then the outage surfaces.
        #expect(calls.count == 3)
        #expect(recorder.sleeps.count == 2)
    }

    @Test func customClassifierAddsBodyCodes() async throws {
        let recorder = SleepRecorder()
        let calls = Counter()
        let response = try await executor(recorder: recorder).run(operation: { _ in
            calls.next() == 1 ? HTTPResponse(status: 400, body: Array("<Code>RequestTimeout</Code>".utf8))
                : HTTPResponse(status: 200)
        }, classify: { result in
            if case .success(let r) = result, r.text.contains("RequestTimeout") { return .retryable(retryAfter: nil) }
            return RetryClassification.default(for: result)
        })
        #expect(response.status == 200)
        #expect(calls.count == 2)
    }

    @Test func cancellationStopsTheLoop() async throws {
        let calls = Counter()
        let executor = RetryExecutor(policy: RetryPolicy(maxAttempts: 100), random: { 1 },
                                     sleep: { try await Task.sleep(for: $0) })
        let task = Task {
            try await executor.run(operation: { _ in
                _ = calls.next()
                return HTTPResponse(status: 503, headers: ["Retry-After": "30"])
            }, classify: RetryClassification.default(for:))
        }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        #expect((try? result.get()) == nil)
        #expect(calls.count == 1)
    }
}
