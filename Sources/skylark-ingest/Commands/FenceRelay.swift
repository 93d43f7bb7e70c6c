import Synchronization

/// Runs the fence action once, whether the fence comes before or after the action is set.
final class FenceRelay: Sendable {
    private let state = Mutex<(fired: Bool, action: (@Sendable () -> Void)?)>((false, nil))

    /// Called by the journal when it is fenced.
    func fire() {
        let run = state.withLock { state in
            state.fired = true
            defer { state.action = nil }
            return state.action
        }
        run?()
    }

    /// Sets what to do on a fence (at once when it already happened).
    func onFence(_ body: @escaping @Sendable () -> Void) {
        let now = state.withLock { state in
            if state.fired { return true }
            state.action = body
            return false
        }
        if now { body() }
    }
}
