import Synchronization

/// A value behind a `Synchronization.Mutex`, shared by reference: for state that closures, tasks and threads
/// hold on to (a `Mutex` cannot be copied, nor captured by an escaping closure). A type that owns its state
/// keeps a `Mutex` as a stored `let` instead; either way the lock is a `Mutex`, the code base's one lock type.
///
/// The lock is not reentrant and blocks while another thread holds it: keep `body` short, and never
/// `await` or wait for another thread inside it.
public final class Locked<Value>: Sendable {
    private let mutex: Mutex<Value>

    /// Guards `value`.
    public init(_ value: sending Value) { mutex = Mutex(value) }

    /// Runs `body` with exclusive access to the value (`Mutex.withLock`).
    public func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        try mutex.withLock(body)
    }
}
