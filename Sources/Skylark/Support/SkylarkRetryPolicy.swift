import Foundation
import HTTPEngine
import Logging

/// How Skylark and Cognito calls are retried: bounded attempts, capped exponential backoff with full
/// jitter, `Retry-After` honoured as a lower bound. Which calls may be retried is the caller's
/// decision (GETs always; POSTs only when the server said it did not process them).
public struct SkylarkRetryPolicy: Sendable {
    /// Attempts in all, including the first.
    public var maxAttempts: Int
    /// The backoff base.
    public var baseDelay: Duration
    /// The backoff cap (also the cap on a `Retry-After` wait).
    public var maxDelay: Duration
    /// How the policy waits (tests pass a recorder).
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A uniform random value in `0..<1` for the jitter (tests fix it).
    public var random: @Sendable () -> Double

    /// Creates a policy (defaults: 4 attempts, 100 ms base, 20 s cap).
    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(20),
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.sleep = sleep
        self.random = random
    }

    /// A policy that never retries.
    public static let none = SkylarkRetryPolicy(maxAttempts: 1)

    /// What to do with a response.
    public enum Decision: Sendable, Equatable {
        /// Hand the response to the caller.
        case done
        /// Try again, not sooner than `after` when the server said so.
        case retry(after: Duration?)
    }

    /// The wait before retry number `attempt` (1 for the first retry): full jitter over
    /// `min(cap, base · 2^(attempt-1))`, at least `retryAfter` (itself capped).
    public func delay(attempt: Int, retryAfter: Duration?) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let jittered = ceiling * random()
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, maxDelay))
    }

    /// Runs `body` until `classify` says done, a transport error is not retryable, or attempts run out
    /// (then the last response is returned, or the last error thrown).
    func run(logger: Logger, operation: String, retryTransport: @Sendable (TransportError) -> Bool = \.isRetryable,
             _ body: () async throws -> HTTPResponse,
             classify: (HTTPResponse) -> Decision) async throws -> HTTPResponse {
        var attempt = 1
        while true {
            let waitHint: Duration?
            do {
                let response = try await body()
                guard case .retry(let after) = classify(response), attempt < maxAttempts else { return response }
                waitHint = after
                logger.debug("retrying after HTTP \(response.status)",
                             metadata: ["operation": "\(operation)", "attempt": "\(attempt)"])
            } catch let error as TransportError {
                guard retryTransport(error), attempt < maxAttempts else { throw error }
                waitHint = nil
                logger.debug("retrying after \(error.kind.rawValue)",
                             metadata: ["operation": "\(operation)", "attempt": "\(attempt)"])
            }
            try await sleep(delay(attempt: attempt, retryAfter: waitHint))
            attempt += 1
        }
    }
}

extension HTTPResponse {
    /// `Retry-After` in seconds, when the server sent one as a number.
    var retryAfter: Duration? {
        guard let text = headers["Retry-After"]?.trimmingCharacters(in: .whitespaces),
              let seconds = Double(text), seconds >= 0 else { return nil }
        return .milliseconds(Int64(seconds * 1000))
    }
}
