/// How many Skylark API calls a run keeps in flight: additive increase, multiplicative decrease (AIMD).
///
/// A value type with no I/O and no clock of its own: the limiter (`APICallLimiter`) feeds it each call's
/// outcome with the time as a `Duration` since the run started, so tests drive it with a fake clock.
///
/// - **Grow** by one call after every `successesPerIncrease` answers while the limit is in use (at least
///   half of it in flight: a limit nobody reaches proves nothing) and latency holds (the smoothed latency
///   stays within `latencyTolerance` × the lowest smoothed latency seen, plus `latencySlack`).
/// - **Halve** on a 429 or 503, once per overload: answers to calls sent before the last decrease were
///   sent under the old limit and do not halve it again. Never below 1.
/// - **Hold** every new call until a `Retry-After` has passed (capped at `maxHold`).
/// - Never above `maximum`.
public struct AdaptiveConcurrency: Sendable, Equatable {
    public struct Settings: Sendable, Equatable {
        /// The limit at the start of a run.
        public var initial: Int
        /// The cap (`--concurrency-max`, or the fixed `--concurrency N`).
        public var maximum: Int
        /// Successful answers per +1.
        public var successesPerIncrease: Int
        /// Growth stops while the smoothed latency is above this multiple of the best smoothed latency seen…
        public var latencyTolerance: Double
        /// … plus this much (so the noise of a sub-millisecond loopback API does not freeze the limit).
        public var latencySlack: Duration
        /// The longest `Retry-After` honoured.
        public var maxHold: Duration

        public init(initial: Int = 8, maximum: Int = 64, successesPerIncrease: Int = 4, latencyTolerance: Double = 2,
                    latencySlack: Duration = .milliseconds(10), maxHold: Duration = .seconds(60)) {
            self.maximum = max(1, maximum)
            self.initial = min(max(1, initial), self.maximum)
            self.successesPerIncrease = max(1, successesPerIncrease)
            self.latencyTolerance = max(1, latencyTolerance)
            self.latencySlack = latencySlack
            self.maxHold = maxHold
        }

        /// A fixed `--concurrency N`: starts at N, never above it, still halves on overload and grows back.
        public static func fixed(_ limit: Int) -> Settings { Settings(initial: limit, maximum: limit) }
    }

    /// A change of the limit (logged at info by the limiter).
    public struct Change: Sendable, Equatable {
        public var from: Int
        public var to: Int
        /// `latency holds`, `429`, `503`.
        public var reason: String
    }

    public let settings: Settings
    /// Calls allowed in flight now.
    public private(set) var limit: Int
    /// No call starts before this time (a `Retry-After`), when set.
    public private(set) var holdUntil: Duration?
    /// Exponentially smoothed latency of successful calls, and the lowest value it has had.
    public private(set) var smoothedLatency: Duration?
    public private(set) var bestLatency: Duration?
    private var successes = 0
    /// Calls started before this time do not halve the limit again.
    private var lastDecrease: Duration?

    public init(_ settings: Settings = Settings()) {
        self.settings = settings
        limit = settings.initial
    }

    /// How long a call that wants to start at `now` must wait for a `Retry-After` (zero: none).
    public func holdRemaining(now: Duration) -> Duration {
        guard let holdUntil, holdUntil > now else { return .zero }
        return holdUntil - now
    }

    /// A call started at `startedAt` got an answer that is not an overload after `latency`, with
    /// `inFlight` calls in flight (itself included). Returns the change when the limit grew.
    public mutating func succeeded(latency: Duration, inFlight: Int, now: Duration) -> Change? {
        let smoothed = smoothedLatency.map { $0 * 0.8 + latency * 0.2 } ?? latency
        smoothedLatency = smoothed
        if bestLatency.map({ smoothed < $0 }) ?? true { bestLatency = smoothed }
        guard limit < settings.maximum, inFlight * 2 >= limit, holdRemaining(now: now) == .zero else { return nil }
        guard let best = bestLatency, smoothed <= best * settings.latencyTolerance + settings.latencySlack else {
            return nil
        }
        successes += 1
        guard successes >= settings.successesPerIncrease else { return nil }
        successes = 0
        limit += 1
        return Change(from: limit - 1, to: limit, reason: "latency holds")
    }

    /// A call started at `startedAt` was answered `status` (429 or 503) at `now`, with the server's
    /// `Retry-After` if it sent one. Returns the change when the limit was halved.
    public mutating func overloaded(status: Int, retryAfter: Duration?, startedAt: Duration, now: Duration) -> Change? {
        if let retryAfter, retryAfter > .zero {
            let until = now + min(retryAfter, settings.maxHold)
            holdUntil = max(holdUntil ?? until, until)
        }
        successes = 0
        if let lastDecrease, startedAt < lastDecrease { return nil }
        lastDecrease = now
        let from = limit
        limit = max(1, limit / 2)
        return from == limit ? nil : Change(from: from, to: limit, reason: "\(status)")
    }

    /// Whether an answer tells the client to send less: 429 Too Many Requests, 503 Service Unavailable.
    public static func isOverload(_ status: Int) -> Bool { status == 429 || status == 503 }
}
