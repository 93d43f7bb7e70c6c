import HTTPEngine
import IngestCore

/// The stage half of the run's one retry rule.
///
/// The HTTP layer repeats what is safe to repeat (reads; writes that provably never reached the server),
/// with the run's `RetryExecutor`: its policy, jittered backoff and shared budget. What reaches a stage is
/// either final or a write whose outcome is unknown. For those the stage decides: `write` reads first
/// (`reconcile`) and sends the write again only when the read says it did not happen, waiting through the
/// same executor so stage retries spend the same budget. Reads are not repeated here: the HTTP layer
/// already did, and repeating them again would multiply attempts.
public struct Retrier: Sendable {
    /// Attempts, backoff and budget, shared with the HTTP layer.
    public var executor: RetryExecutor

    public init(executor: RetryExecutor = RetryExecutor(policy: .standard)) {
        self.executor = executor
    }

    /// A retrier with its own policy of `attempts` writes, `baseDelay` backoff and `settle` (tests, tools).
    public init(attempts: Int, baseDelay: Duration = .milliseconds(200), settle: Duration = .zero,
                budget: RetryBudget? = nil) {
        self.init(executor: RetryExecutor(policy: RetryPolicy(maxAttempts: attempts, base: baseDelay, cap: baseDelay * 64,
                                                              settle: settle),
                                          budget: budget))
    }

    /// Writes allowed per call, the first one included.
    public var attempts: Int { executor.policy.maxAttempts }

    /// This retrier with `writes` writes allowed per call (at least one); the same executor, settle and budget.
    /// `upload` allows one: it reads an upload whose outcome is unknown back and never sends it again.
    public func allowing(writes: Int) -> Retrier {
        var copy = self
        copy.executor.policy.maxAttempts = max(1, writes)
        return copy
    }

    /// How long a write whose answer was lost may still land (`RetryPolicy.settle`).
    public var settle: Duration { executor.policy.settle }

    /// Runs `read` once (the HTTP layer has repeated it as far as the policy allows).
    public func read<T: Sendable>(_ read: @Sendable () async throws -> T) async throws -> T {
        try await read()
    }

    /// Runs `write`; after a failure whose outcome may be unknown (any retryable failure) waits out the
    /// server's `Retry-After` if it sent one, and the policy's `settle` when the answer may have been lost
    /// (the write may still land: reading it back sooner could miss it), runs `reconcile` and returns what it
    /// found; only when it found nothing, backs off and writes again, up to the policy's attempts.
    /// Non-retryable failures are thrown as they are. Each step is logged at info through the executor's
    /// logger (`item`, `stage` as metadata).
    public func write<T: Sendable>(item: String? = nil, stage: Stage? = nil,
                                   _ write: @Sendable () async throws -> T,
                                   reconcile: @Sendable () async throws -> T?) async throws -> T {
        var attempt = 1
        var metadata: [String: String] = [:]
        if let item { metadata["item"] = item }
        if let stage { metadata["stage"] = stage.rawValue }
        while true {
            do { return try await write() } catch {
                let failure = IngestError.from(error)
                guard failure.retryable, !Task.isCancelled else { throw error }
                var fields = metadata
                fields["code"] = failure.code.rawValue
                fields["reason"] = failure.code.rawValue
                // A server that asked for time (429/503 `Retry-After`) gets it before it is read from; a write
                // whose answer was lost gets time to land.
                let asked = min((error as? any RetryAfterProviding)?.retryAfter ?? .zero, executor.policy.maxRetryAfter)
                let settle = failure.answerMayBeLost ? executor.policy.settle : .zero
                if max(asked, settle) > .zero {
                    let wait = max(asked, settle)
                    var waitFields = fields
                    waitFields["wait_ms"] = "\(RetryExecutor.milliseconds(wait))"
                    let why = asked >= settle ? "the server asked to wait" : "the write may still land; waiting"
                    executor.note("\(prefix(item))write failed (\(failure.code)); \(why) "
                                  + "\(RetryExecutor.milliseconds(wait)) ms before reconciling", metadata: waitFields)
                    try await executor.sleep(wait)
                }
                executor.note("\(prefix(item))write failed (\(failure.code)); reconciling before writing again",
                              metadata: fields)
                if let found = try await reconcile() {
                    executor.note("\(prefix(item))reconciled: the write had happened", metadata: fields)
                    return found
                }
                guard executor.policy.allowsAnotherAttempt(after: attempt) else { throw error }
                _ = try await executor.backOff(after: attempt, lastFailure: failure.code.rawValue, describe: { wait in
                    "\(prefix(item))nothing found, writing again after \(RetryExecutor.milliseconds(wait)) ms"
                }, metadata: fields)
                attempt += 1
            }
        }
    }

    private func prefix(_ item: String?) -> String { item.map { "\($0): " } ?? "" }
}
