/// One bandwidth limit split evenly among a fixed number of request slots, so the total never exceeds it.
///
/// Each request in flight sends at most `bytesPerSecond / slots`; with every slot busy the total equals the
/// limit, with fewer the transfer runs below it (only at the tail of a file or a batch).
public struct BandwidthLimit: Sendable, Hashable {
    /// The total limit in bytes per second.
    public let bytesPerSecond: Int64
    /// The most requests that can be in flight at once under this limit.
    public let slots: Int

    public init(bytesPerSecond: Int64, slots: Int) {
        self.bytesPerSecond = max(1, bytesPerSecond)
        self.slots = max(1, slots)
    }

    /// The rate of one request.
    public var perRequest: Int64 { max(1, bytesPerSecond / Int64(slots)) }
}
