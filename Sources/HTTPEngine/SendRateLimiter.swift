import Foundation

/// One upload rate shared by every request that carries it (`HTTPRequest.sendLimiter`): a token bucket the
/// engine's read callback draws body bytes from. However many files and parts are in flight, together they
/// send at most `bytesPerSecond` (after a burst of at most `burst` bytes); a request that finds the bucket
/// empty is paused by the engine and continued, in turn, once bytes are available again.
///
/// The rate may change while requests are in flight (`setRate`, a `--max-bandwidth` timetable): nil lifts
/// the limit, and paused requests go on at the next poll.
///
/// `@unchecked Sendable`: the bucket is touched only under `lock` (the engine thread and tests).
public final class SendRateLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var rate: Int64?
    private var bucketSize: Int64
    private var grant: Int64
    private var tokens: Double
    private var last: ContinuousClock.Instant

    /// - Parameter bytesPerSecond: at least 1; nil = no limit (until `setRate`). The burst is a tenth of a
    ///   second's worth, at least 16 KiB.
    public init(bytesPerSecond: Int64?, now: ContinuousClock.Instant = .now) {
        rate = bytesPerSecond.map { max(1, $0) }
        (bucketSize, grant) = Self.sizes(rate)
        tokens = Double(bucketSize)
        last = now
    }

    /// The total rate in bytes per second now (nil = no limit).
    public var bytesPerSecond: Int64? { lock.withLock { rate } }
    /// The most bytes the bucket holds (sent at once after an idle spell).
    public var burst: Int64 { lock.withLock { bucketSize } }

    /// Changes the rate (nil = no limit) from `now` on; the bytes already granted stay granted.
    public func setRate(_ bytesPerSecond: Int64?, now: ContinuousClock.Instant = .now) {
        lock.withLock {
            refill(now)
            rate = bytesPerSecond.map { max(1, $0) }
            (bucketSize, grant) = Self.sizes(rate)
            tokens = min(tokens, Double(bucketSize))
        }
    }

    private static func sizes(_ rate: Int64?) -> (burst: Int64, minimumGrant: Int64) {
        let burst = max((rate ?? 0) / 10, 16 * 1024)
        return (burst, min(4 * 1024, burst))
    }

    /// Takes up to `wanted` bytes from the bucket and returns how many may be sent now; 0 when fewer than
    /// `min(wanted, 4 KiB)` are available (the caller waits).
    public func take(upTo wanted: Int, now: ContinuousClock.Instant = .now) -> Int {
        guard wanted > 0 else { return 0 }
        lock.lock()
        defer { lock.unlock() }
        guard rate != nil else { return wanted }
        refill(now)
        guard tokens >= Double(min(Int64(wanted), grant)) else { return 0 }
        let granted = min(wanted, Int(tokens))
        tokens -= Double(granted)
        return granted
    }

    /// How long until a request may be continued (zero when it may now).
    public func waitTime(now: ContinuousClock.Instant = .now) -> Duration {
        lock.lock()
        defer { lock.unlock() }
        guard let rate else { return .zero }
        refill(now)
        let missing = Double(grant) - tokens
        return missing <= 0 ? .zero : .milliseconds(Int64((missing / Double(rate) * 1000).rounded(.up)))
    }

    private func refill(_ now: ContinuousClock.Instant) {
        guard now > last else { return }
        tokens = min(Double(bucketSize), tokens + (now - last).secondsDouble * Double(rate ?? 0))
        last = now
    }
}
