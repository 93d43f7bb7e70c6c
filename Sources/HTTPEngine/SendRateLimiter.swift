import Foundation

/// One upload rate shared by every request that carries it (`HTTPRequest.sendLimiter`): a token bucket the
/// engine's read callback draws body bytes from. However many files and parts are in flight, together they
/// send at most `bytesPerSecond` (after a burst of at most `burst` bytes); a request that finds the bucket
/// empty is paused by the engine and continued, in turn, once bytes are available again.
///
/// `@unchecked Sendable`: the bucket is touched only under `lock` (the engine thread and tests).
public final class SendRateLimiter: @unchecked Sendable {
    /// The total rate in bytes per second.
    public let bytesPerSecond: Int64
    /// The most bytes the bucket holds (sent at once after an idle spell).
    public let burst: Int64
    /// A request is not continued for less than this (or what it wants, if less), so reads stay large.
    let minimumGrant: Int64

    private let lock = NSLock()
    private var tokens: Double
    private var last: ContinuousClock.Instant

    /// - Parameter bytesPerSecond: at least 1. The burst is a tenth of a second's worth, at least 16 KiB.
    public init(bytesPerSecond: Int64, now: ContinuousClock.Instant = .now) {
        self.bytesPerSecond = max(1, bytesPerSecond)
        burst = max(self.bytesPerSecond / 10, 16 * 1024)
        minimumGrant = min(4 * 1024, burst)
        tokens = Double(burst)
        last = now
    }

    /// Takes up to `wanted` bytes from the bucket and returns how many may be sent now; 0 when fewer than
    /// `min(wanted, minimumGrant)` are available (the caller waits).
    public func take(upTo wanted: Int, now: ContinuousClock.Instant = .now) -> Int {
        guard wanted > 0 else { return 0 }
        lock.lock()
        defer { lock.unlock() }
        refill(now)
        guard tokens >= Double(min(Int64(wanted), minimumGrant)) else { return 0 }
        let granted = min(wanted, Int(tokens))
        tokens -= Double(granted)
        return granted
    }

    /// How long until a request may be continued (zero when it may now).
    public func waitTime(now: ContinuousClock.Instant = .now) -> Duration {
        lock.lock()
        defer { lock.unlock() }
        refill(now)
        let missing = Double(minimumGrant) - tokens
        return missing <= 0 ? .zero : .milliseconds(Int64((missing / Double(bytesPerSecond) * 1000).rounded(.up)))
    }

    private func refill(_ now: ContinuousClock.Instant) {
        guard now > last else { return }
        tokens = min(Double(burst), tokens + (now - last).secondsDouble * Double(bytesPerSecond))
        last = now
    }
}
