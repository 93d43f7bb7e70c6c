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

    /// A retrier with its own policy of `attempts` writes and `baseDelay` backoff (tests, tools).
    public init(attempts: Int, baseDelay: Duration = .milliseconds(200), budget: RetryBudget? = nil) {
        self.init(executor: RetryExecutor(policy: RetryPolicy(maxAttempts: attempts, base: baseDelay, cap: baseDelay * 64),
                                          budget: budget))
    }

    /// Writes allowed per call, the first one included.
    public var attempts: Int { executor.policy.maxAttempts }

    /// Runs `read` once (the HTTP layer has repeated it as far as the policy allows).
    public func read<T: Sendable>(_ read: @Sendable () async throws -> T) async throws -> T {
        try await read()
    }

    /// Runs `write`; after a failure whose outcome may be unknown (any retryable failure) waits out the
    /// server's `Retry-After` if it sent one, runs `reconcile` and returns what it found; only when it found nothing, backs off and writes again, up to the
    /// policy's attempts. Non-retryable failures are thrown as they are.
    public func write<T: Sendable>(_ write: @Sendable () async throws -> T,
                                   reconcile: @Sendable () async throws -> T?) async throws -> T {
        var attempt = 1
        while true {
            do { return try await write() } catch {
                guard IngestError.from(error).retryable, !Task.isCancelled else { throw error }
                // A server that asked for time (429/503 `Retry-After`) gets it before it is read from.
                if let wait = (error as? any RetryAfterProviding)?.retryAfter, wait > .zero {
                    try await executor.sleep(min(wait, executor.policy.maxRetryAfter))
                }
                if let found = try await reconcile() { return found }
                guard executor.policy.allowsAnotherAttempt(after: attempt) else { throw error }
                _ = try await executor.backOff(after: attempt, lastFailure: IngestError.from(error).code.rawValue)
                attempt += 1
            }
        }
    }
}
