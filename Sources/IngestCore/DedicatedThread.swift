import Foundation

/// Runs blocking work (many file reads, a large report) on a thread of its own, so the cooperative
/// pool's few threads keep serving the run.
public enum DedicatedThread {
    /// Runs `body` on a new thread with `stackSize` bytes of stack and returns its result.
    public static func run<T: Sendable>(name: String, stackSize: Int = 8 << 20,
                                        _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = name
            thread.stackSize = stackSize
            thread.start()
        }
    }
}
