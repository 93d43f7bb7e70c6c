import Foundation

/// Runs blocking work (file I/O that can take a second) on a thread of its own, so the cooperative
/// pool's few threads keep serving the run.
enum DedicatedThread {
    /// Runs `body` on a new thread and returns its result.
    static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = name
            thread.start()
        }
    }
}
