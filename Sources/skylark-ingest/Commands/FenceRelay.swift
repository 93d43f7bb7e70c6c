import Foundation

/// Runs the fence action once, whether the fence comes before or after the action is set.
final class FenceRelay: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var action: (@Sendable () -> Void)?

    /// Called by the journal when it is fenced.
    func fire() {
        lock.lock()
        fired = true
        let run = action
        action = nil
        lock.unlock()
        run?()
    }

    /// Sets what to do on a fence (at once when it already happened).
    func onFence(_ body: @escaping @Sendable () -> Void) {
        lock.lock()
        if fired {
            lock.unlock()
            body()
            return
        }
        action = body
        lock.unlock()
    }
}
