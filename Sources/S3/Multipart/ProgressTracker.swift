import Foundation
import HTTPEngine

/// Sums per-request byte counts into one file total. `@unchecked Sendable`: state guarded by `lock`.
final class ProgressTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var finished: Int64 = 0
    private var inFlight: [Int: Int64] = [:]
    private let callback: (@Sendable (Int64) -> Void)?

    init(callback: (@Sendable (Int64) -> Void)?) { self.callback = callback }

    /// A per-request progress callback for part `number` (the engine reports bytes sent by this request).
    func reporter(part number: Int) -> HTTPProgress? {
        guard callback != nil else { return nil }
        return { [self] sent in
            lock.lock()
            inFlight[number] = sent
            let total = finished + inFlight.values.reduce(0, +)
            lock.unlock()
            callback?(total)
        }
    }

    /// Marks part `number` done with `bytes`.
    func finish(part number: Int, bytes: Int64) {
        lock.lock()
        inFlight[number] = nil
        finished += bytes
        let total = finished + inFlight.values.reduce(0, +)
        lock.unlock()
        callback?(total)
    }
}
