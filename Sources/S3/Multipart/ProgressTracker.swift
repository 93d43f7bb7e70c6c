import Foundation
import HTTPEngine
import Synchronization

/// Sums per-request byte counts into one file total.
final class ProgressTracker: Sendable {
    /// The bytes of finished parts, and the bytes sent so far of each part in flight.
    private struct Counts {
        var finished: Int64 = 0
        var inFlight: [Int: Int64] = [:]
        var total: Int64 { finished + inFlight.values.reduce(0, +) }
    }

    private let counts = Mutex(Counts())
    private let callback: (@Sendable (Int64) -> Void)?

    init(callback: (@Sendable (Int64) -> Void)?) { self.callback = callback }

    /// A per-request progress callback for part `number` (the engine reports bytes sent by this request).
    func reporter(part number: Int) -> HTTPProgress? {
        guard callback != nil else { return nil }
        return { [self] sent in
            let total = counts.withLock { counts in
                counts.inFlight[number] = sent
                return counts.total
            }
            callback?(total)
        }
    }

    /// Marks part `number` done with `bytes`.
    func finish(part number: Int, bytes: Int64) {
        let total = counts.withLock { counts in
            counts.inFlight[number] = nil
            counts.finished += bytes
            return counts.total
        }
        callback?(total)
    }
}
