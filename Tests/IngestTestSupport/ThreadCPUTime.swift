import Foundation

/// The CPU time the calling thread has used: what a bound on synchronous work should measure on a shared
/// machine, where wall time grows with everything else running (other tests, other builds) and CPU time does not.
public enum ThreadCPUTime {
    /// The calling thread's CPU time so far.
    public static var now: Duration {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return .seconds(Int64(spec.tv_sec)) + .nanoseconds(Int64(spec.tv_nsec))
    }

    /// The CPU time the calling thread spends in `body` (synchronous: the thread that measures is the one that works).
    public static func measure(_ body: () throws -> Void) rethrows -> Duration {
        let start = now
        try body()
        return now - start
    }
}
