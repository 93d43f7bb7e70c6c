import Foundation
import Synchronization

/// One upload rate shared by every request that carries it (`HTTPRequest.sendLimiter`): a token bucket the
/// engine's read callback draws body bytes from. However many files and parts are in flight, together they
/// send at most `bytesPerSecond` (after a burst of at most `burst` bytes); a request that finds the bucket
/// empty is paused by the engine and continued, in turn, once bytes are available again.
///
/// The rate may change while requests are in flight (`setRate`, a `--max-bandwidth` timetable): nil lifts
/// the limit, and paused requests go on at the next poll.
///
/// The bucket is behind a `Mutex` (the engine thread and tests use it).
public final class SendRateLimiter: Sendable {
    /// The bucket: the rate, its size and grant, the tokens in it and when it was last filled.
    private struct Bucket {
        var rate: Int64?
        var size: Int64
        var grant: Int64
        var tokens: Double
        var last: ContinuousClock.Instant

        init(rate: Int64?, now: ContinuousClock.Instant) {
            self.rate = rate
            (size, grant) = Bucket.sizes(rate)
            tokens = Double(size)
            last = now
        }

        /// Changes the rate from `now` on; the bytes already granted stay granted.
        mutating func setRate(_ rate: Int64?, now: ContinuousClock.Instant) {
            refill(now)
            self.rate = rate
            (size, grant) = Bucket.sizes(rate)
            tokens = min(tokens, Double(size))
        }

        private static func sizes(_ rate: Int64?) -> (burst: Int64, minimumGrant: Int64) {
            let burst = max((rate ?? 0) / 10, 16 * 1024)
            return (burst, min(4 * 1024, burst))
        }

        mutating func refill(_ now: ContinuousClock.Instant) {
            guard now > last else { return }
            tokens = min(Double(size), tokens + (now - last).secondsDouble * Double(rate ?? 0))
            last = now
        }
    }

    private let bucket: Mutex<Bucket>

    /// - Parameter bytesPerSecond: at least 1; nil = no limit (until `setRate`). The burst is a tenth of a
    ///   second's worth, at least 16 KiB.
    public init(bytesPerSecond: Int64?, now: ContinuousClock.Instant = .now) {
        bucket = Mutex(Bucket(rate: bytesPerSecond.map { max(1, $0) }, now: now))
    }

    /// The total rate in bytes per second now (nil = no limit).
    public var bytesPerSecond: Int64? { bucket.withLock { $0.rate } }
    /// The most bytes the bucket holds (sent at once after an idle spell).
    public var burst: Int64 { bucket.withLock { $0.size } }

    /// Changes the rate (nil = no limit) from `now` on; the bytes already granted stay granted.
    public func setRate(_ bytesPerSecond: Int64?, now: ContinuousClock.Instant = .now) {
        let rate = bytesPerSecond.map { max(1, $0) }
        bucket.withLock { $0.setRate(rate, now: now) }
    }

    /// Takes up to `wanted` bytes from the bucket and returns how many may be sent now; 0 when fewer than
    /// `min(wanted, 4 KiB)` are available (the caller waits).
    public func take(upTo wanted: Int, now: ContinuousClock.Instant = .now) -> Int {
        guard wanted > 0 else { return 0 }
        return bucket.withLock { bucket in
            guard bucket.rate != nil else { return wanted }
            bucket.refill(now)
            guard bucket.tokens >= Double(min(Int64(wanted), bucket.grant)) else { return 0 }
            let granted = min(wanted, Int(bucket.tokens))
            bucket.tokens -= Double(granted)
            return granted
        }
    }

    /// How long until a request may be continued (zero when it may now).
    public func waitTime(now: ContinuousClock.Instant = .now) -> Duration {
        bucket.withLock { bucket in
            guard let rate = bucket.rate else { return .zero }
            bucket.refill(now)
            let missing = Double(bucket.grant) - bucket.tokens
            return missing <= 0 ? .zero : .milliseconds(Int64((missing / Double(rate) * 1000).rounded(.up)))
        }
    }
}
