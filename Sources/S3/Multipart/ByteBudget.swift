/// A global bytes-in-flight budget shared by every file of a transfer: parts acquire their length first.
///
/// Waiters are served in order; a request larger than the capacity is clamped to it so it can still run alone.
public actor ByteBudget {
    /// The budget in bytes.
    public let capacity: Int64
    private var available: Int64
    private var waiters: [(amount: Int64, continuation: CheckedContinuation<Void, Never>)] = []

    public init(capacity: Int64 = 256 * 1024 * 1024) {
        self.capacity = max(1, capacity)
        self.available = max(1, capacity)
    }

    /// Waits until `amount` bytes (at most the capacity) are free and takes them; returns what was taken.
    @discardableResult
    public func acquire(_ amount: Int64) async -> Int64 {
        let taken = min(max(amount, 0), capacity)
        if waiters.isEmpty && available >= taken {
            available -= taken
            return taken
        }
        await withCheckedContinuation { continuation in waiters.append((taken, continuation)) }
        return taken
    }

    /// Gives back `amount` bytes taken by `acquire`.
    public func release(_ amount: Int64) {
        available = min(capacity, available + amount)
        while let first = waiters.first, first.amount <= available {
            available -= first.amount
            waiters.removeFirst()
            first.continuation.resume()
        }
    }

    /// Bytes free right now.
    public var free: Int64 { available }
}
