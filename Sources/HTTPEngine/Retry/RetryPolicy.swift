/// When to try again: the AWS SDKs' "standard" retry mode — capped exponential backoff with full
/// jitter, `Retry-After` honoured as a lower bound.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total, the first one included (1 = never retry).
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry.
    public var base: Duration
    /// The largest backoff ceiling.
    public var cap: Duration
    /// The longest `Retry-After` obeyed; longer hints are shortened to this.
    public var maxRetryAfter: Duration
    /// How long a write whose answer was lost (a reset, a timeout, a gateway's 502/504, a killed process)
    /// may still land at the server: a server that had the whole request keeps going after the connection
    /// is gone, and a store can commit a PUT hundreds of milliseconds later. A write is read back (reconciled)
    /// no earlier than this after it could last have been sent; reading sooner can miss it and send it twice.
    public var settle: Duration

    /// The default `settle`.
    public static let defaultSettle: Duration = .seconds(5)

    public init(maxAttempts: Int = 3, base: Duration = .milliseconds(100), cap: Duration = .seconds(20),
                maxRetryAfter: Duration = .seconds(60), settle: Duration = RetryPolicy.defaultSettle) {
        self.maxAttempts = max(1, maxAttempts)
        self.base = base
        self.cap = cap
        self.maxRetryAfter = maxRetryAfter
        self.settle = max(.zero, settle)
    }

    /// The AWS standard mode defaults: 3 attempts.
    public static let standard = RetryPolicy()

    /// For uploads, where resending costs more than waiting: 5 attempts.
    public static let uploads = RetryPolicy(maxAttempts: 5)

    /// The wait before retry number `attempt` (0 = the first retry):
    /// `random × min(cap, base × 2^attempt)`, but never less than `retryAfter`.
    /// `random` returns a value in [0, 1); tests pass a fixed one.
    public func delay(attempt: Int, retryAfter: Duration?, random: () -> Double) -> Duration {
        let exponent = min(max(attempt, 0), 62)
        let ceiling = min(cap, base * Double(1 << min(exponent, 40)))
        let fraction = min(max(random(), 0), 1)
        var wait = ceiling * fraction
        if let retryAfter {
            wait = max(wait, min(retryAfter, maxRetryAfter))
        }
        return wait
    }

    /// Whether another attempt is allowed after `attemptsMade` attempts.
    public func allowsAnotherAttempt(after attemptsMade: Int) -> Bool {
        attemptsMade < maxAttempts
    }
}
