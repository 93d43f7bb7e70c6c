/// Shares one bandwidth limit among the requests in flight: each new request gets limit ÷ requests now running.
public actor BandwidthLimit {
    /// The total limit in bytes per second.
    public let bytesPerSecond: Int64
    private var active = 0

    public init(bytesPerSecond: Int64) { self.bytesPerSecond = max(1, bytesPerSecond) }

    /// Registers a request and returns its share (bytes per second).
    public func begin() -> Int64 {
        active += 1
        return max(1, bytesPerSecond / Int64(active))
    }

    /// Unregisters a request.
    public func end() { active = max(0, active - 1) }
}
