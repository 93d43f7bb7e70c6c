import Foundation
import HTTPEngine
import IngestCore

/// Retries in the AWS SDKs' standard mode: capped exponential backoff with full jitter, `Retry-After`
/// honoured, and a shared budget so an outage fails fast instead of hammering.
public struct S3RetryPolicy: Sendable {
    /// Attempts in total, the first included (standard mode: 3; we use 5 for long transfers).
    public var maxAttempts: Int
    /// The backoff base: attempt n waits a random time in [0, base × 2ⁿ), capped at `maxBackoff`.
    public var baseDelay: Duration
    /// The backoff cap.
    public var maxBackoff: Duration

    public init(maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxBackoff = maxBackoff
    }

    /// The wait before retry number `retry` (1-based), given a `Retry-After` header value if any.
    public func delay(retry: Int, retryAfter: String?, random: Double = Double.random(in: 0..<1)) -> Duration {
        if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return min(.milliseconds(Int64(seconds * 1000)), maxBackoff)
        }
        let base = Double(baseDelay.components.seconds) + Double(baseDelay.components.attoseconds) / 1e18
        let cap = Double(maxBackoff.components.seconds)
        let ceiling = min(base * pow(2, Double(retry - 1)), cap)
        return .milliseconds(Int64(ceiling * random * 1000))
    }
}

/// A token bucket of retries shared by every request of a run (the SDKs' retry quota).
///
/// A retry after a timeout costs 10 tokens, any other 5; a success returns 1. Empty → no more retries.
/// `@unchecked Sendable`: `tokens` is guarded by `lock`.
public final class RetryBudget: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: Int
    /// The bucket's capacity.
    public let capacity: Int

    public init(capacity: Int = 500) {
        self.capacity = capacity
        self.tokens = capacity
    }

    /// Takes the cost of one retry; false when the budget is spent.
    public func acquire(timeout: Bool) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let cost = timeout ? 10 : 5
        guard tokens >= cost else { return false }
        tokens -= cost
        return true
    }

    /// Records a success (refills one token).
    public func recordSuccess() {
        lock.lock()
        tokens = min(capacity, tokens + 1)
        lock.unlock()
    }

    /// Tokens left.
    public var available: Int {
        lock.lock()
        defer { lock.unlock() }
        return tokens
    }
}
