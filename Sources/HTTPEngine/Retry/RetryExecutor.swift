import IngestCore
import Logging

/// Runs an operation until it succeeds or a `RetryPolicy` and `RetryBudget` say stop.
///
/// It only loops and sleeps; what is retryable is the classifier's decision, and whether an
/// operation may be repeated at all (idempotency) is the caller's.
public struct RetryExecutor: Sendable {
    public var policy: RetryPolicy
    /// Shared by every executor of a run; nil = unlimited retries within `policy`.
    public var budget: RetryBudget?
    /// Values in [0, 1) for jitter.
    public var random: @Sendable () -> Double
    /// Waits; cancellation-aware (throws when the task is cancelled).
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Where each retry is logged (at info: its reason and its wait) before it waits; nil = nowhere.
    public var logger: Logger?

    public init(policy: RetryPolicy = .standard, budget: RetryBudget? = nil,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                logger: Logger? = nil) {
        self.policy = policy
        self.budget = budget
        self.random = random
        self.sleep = sleep
        self.logger = logger
    }

    /// Runs `operation` (given the 1-based attempt number) and retries while `classify` says
    /// `.retryable`, attempts remain and the budget allows.
    ///
    /// When attempts run out, the last outcome is returned or thrown as it was; when the budget
    /// runs out, `RetryBudgetExhaustedError` is thrown. Cancellation during a wait throws
    /// `CancellationError`.
    public func run<T: Sendable>(operation: (_ attempt: Int) async throws -> T,
                                 classify: (Result<T, any Error>) -> RetryClassification) async throws -> T {
        var attempt = 1
        var lastRetryCost: Int?
        while true {
            let result: Result<T, any Error>
            do {
                result = .success(try await operation(attempt))
            } catch {
                result = .failure(error)
            }
            let decision = classify(result)
            guard case .retryable(let retryAfter) = decision else {
                if case .success = result { budget?.recordSuccess(retryCost: lastRetryCost) }
                return try result.get()
            }
            try Task.checkCancellation()
            guard policy.allowsAnotherAttempt(after: attempt) else { return try result.get() }
            lastRetryCost = try await backOff(after: attempt, retryAfter: retryAfter, timedOut: RetryExecutor.isTimeout(result),
                                              lastFailure: RetryExecutor.describe(result))
            attempt += 1
        }
    }

    /// Pays for retry number `attempt` from the budget and waits its backoff (full jitter, never less than
    /// `retryAfter`): the one place a retry of this run waits, whether the HTTP layer repeats a request or
    /// a stage writes again after a reconcile. Returns the tokens taken (nil without a budget); throws
    /// `RetryBudgetExhaustedError` when the budget is empty and `CancellationError` when cancelled.
    ///
    /// The retry is logged at info before the wait: `describe` (given the wait) words it, by default
    /// "retrying after <lastFailure>: attempt N of M in X ms"; `metadata` is added to the record.
    public func backOff(after attempt: Int, retryAfter: Duration? = nil, timedOut: Bool = false,
                        lastFailure: @autoclosure () -> String,
                        describe: ((_ wait: Duration) -> String)? = nil,
                        metadata: [String: String] = [:]) async throws -> Int? {
        var taken: Int?
        if let budget {
            guard let cost = budget.acquireRetry(afterTimeout: timedOut) else {
                throw RetryBudgetExhaustedError(lastFailure: lastFailure())
            }
            taken = cost
        }
        let wait = policy.delay(attempt: attempt - 1, retryAfter: retryAfter, random: random)
        if let logger, logger.logLevel <= .info {
            let reason = lastFailure()
            let message = describe?(wait)
                ?? "retrying after \(reason): attempt \(attempt + 1) of \(policy.maxAttempts) in \(RetryExecutor.milliseconds(wait)) ms"
            var fields: Logger.Metadata = ["reason": .string(reason), "wait_ms": .string("\(RetryExecutor.milliseconds(wait))"),
                                           "attempt": .string("\(attempt + 1)")]
            for (key, value) in metadata { fields[key] = .string(value) }
            logger.info("\(message)", metadata: fields)
        }
        try await sleep(wait)
        return taken
    }

    /// Logs `message` at info through `logger` (the stage half of a retry: a reconcile, a Retry-After wait).
    public func note(_ message: @autoclosure () -> String, metadata: [String: String] = [:]) {
        guard let logger, logger.logLevel <= .info else { return }
        logger.info("\(message())", metadata: metadata.mapValues { .string($0) })
    }

    /// Whole milliseconds of `duration`, for log lines.
    public static func milliseconds(_ duration: Duration) -> Int64 { duration.wholeMilliseconds }

    /// Whether the failed attempt timed out (such retries cost more).
    static func isTimeout<T>(_ result: Result<T, any Error>) -> Bool {
        if case .failure(let error) = result, let transport = error as? TransportError {
            return transport.kind == .timedOut
        }
        return false
    }

    /// A short, secret-free description of an attempt's outcome.
    static func describe<T>(_ result: Result<T, any Error>) -> String {
        switch result {
        case .success(let value as HTTPResponse): return "HTTP \(value.status)"
        case .success: return "a retryable answer"
        case .failure(let error as TransportError): return error.description
        case .failure(let error as any IngestErrorConvertible): return error.ingestError.code.rawValue
        case .failure(let error): return String(describing: type(of: error))
        }
    }
}

extension RetryExecutor {
    /// Executes `request` on `client` with retries, classified by `classify` (default: the
    /// standard statuses and transport errors). Only for requests that are safe to repeat.
    public func execute(_ request: HTTPRequest, on client: any HTTPClient, progress: HTTPProgress? = nil,
                        classify: (Result<HTTPResponse, any Error>) -> RetryClassification = RetryClassification.default(for:))
        async throws -> HTTPResponse {
        try await run(operation: { _ in try await client.execute(request, progress: progress) }, classify: classify)
    }
}
