import Synchronization

/// A graceful-stop request shared by the runner and the signal handler: once set, no new item or
/// stage starts; stages already running finish and are checkpointed.
///
/// Awaitable: `wait()` returns as soon as a stop is requested, and `sleep(until:)` is a sleep that a stop
/// ends at once, so a wait (an earlier run's writes settling) needs no polling.
public final class StopSignal: Sendable {
    private struct State {
        var requested = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Asks the run to stop; every `wait()` returns.
    public func request() {
        let waiters = state.withLock { state in
            state.requested = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether a stop was requested.
    public var isRequested: Bool { state.withLock { $0.requested } }

    /// Returns once a stop is requested (at once when it already was), or when the task is cancelled.
    public func wait() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked under the lock: a request or a cancellation after this finds the waiter and resumes it.
                let now = state.withLock { state in
                    if state.requested || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Sleeps until `deadline`, or less when a stop is requested (or the task cancelled) first.
    /// Returns whether a stop was requested.
    @discardableResult
    public func sleep(until deadline: ContinuousClock.Instant) async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            group.addTask { await self.wait() }
            await group.next()
            group.cancelAll()
        }
        return isRequested
    }
}
