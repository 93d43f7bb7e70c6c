import Foundation
import IngestCore
import Synchronization

/// A token bucket shared by every request of a run (AWS standard mode): each retry spends tokens,
/// successes refill a little, and when it is empty retries stop — so an outage fails fast instead
/// of multiplying load on a service that is down.
///
/// Concurrency: `tokens` is behind a `Mutex`.
public final class RetryBudget: Sendable {
    /// The bucket's size and starting level.
    public let capacity: Int
    /// Tokens a retry costs.
    public let retryCost: Int
    /// Tokens a retry after a timeout costs.
    public let timeoutRetryCost: Int
    /// Tokens returned by a success that needed no retry.
    public let successRefund: Int

    private let tokens: Mutex<Int>

    /// AWS standard mode: 500 tokens, 5 per retry, 10 per timeout retry, +1 per first-try success.
    public init(capacity: Int = 500, retryCost: Int = 5, timeoutRetryCost: Int = 10, successRefund: Int = 1) {
        self.capacity = capacity
        self.retryCost = retryCost
        self.timeoutRetryCost = timeoutRetryCost
        self.successRefund = successRefund
        tokens = Mutex(capacity)
    }

    /// Tokens left.
    public var available: Int { tokens.withLock { $0 } }

    /// Takes the cost of one retry; returns what was taken, or nil when the budget is exhausted.
    public func acquireRetry(afterTimeout: Bool) -> Int? {
        let cost = afterTimeout ? timeoutRetryCost : retryCost
        return tokens.withLock { tokens in
            guard tokens >= cost else { return nil }
            tokens -= cost
            return cost
        }
    }

    /// Records a success: gives back the cost of the retry that succeeded, or `successRefund` when
    /// the first attempt succeeded (never above `capacity`).
    public func recordSuccess(retryCost: Int?) {
        let refund = retryCost ?? successRefund
        tokens.withLock { $0 = min(capacity, $0 + refund) }
    }
}

extension RetryBudget {
    /// Takes the cost of one retry; false when the budget is exhausted (`acquireRetry` as a Bool).
    public func acquire(timeout: Bool) -> Bool {
        acquireRetry(afterTimeout: timeout) != nil
    }

    /// Records a success without tracking which retry it followed: refills `successRefund`.
    public func recordSuccess() {
        recordSuccess(retryCost: nil)
    }
}

/// Retries were stopped because the run's retry budget is empty: the service looks down.
public struct RetryBudgetExhaustedError: Error, Sendable, CustomStringConvertible, IngestErrorConvertible {
    /// The failure that would have been retried (already redacted: status or transport error).
    public var lastFailure: String

    public init(lastFailure: String) {
        self.lastFailure = lastFailure
    }

    public var description: String { ingestError.description }

    public var ingestError: IngestError {
        IngestError(code: .retryBudgetExhausted,
                    message: "too many requests failed in a row, the service looks down; stopped retrying "
                        + "(last failure: \(lastFailure))",
                    hint: "check that the service is reachable and healthy, then run again to resume",
                    retryable: true)
    }
}
