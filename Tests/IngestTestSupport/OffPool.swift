import Foundation

/// Runs blocking work (waiting for a child process, reading its pipes, polling a process that ignores
/// SIGTERM) on a thread of its own and resumes the caller when it is done, so a test helper never holds
/// one of the cooperative pool's few threads (two on a two-core machine) while it waits.
public enum OffPool {
    /// Runs `body` on a new thread and returns its result.
    public static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = name
            thread.start()
        }
    }

    /// Runs `body`, which cannot fail, on a new thread and returns its result.
    public static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = name
            thread.start()
        }
    }
}

/// Something a test starts and must stop, awaiting the stop (servers, proxies, stacks).
public protocol AsyncStoppable: Sendable {
    func stop() async
}

/// Clean-up actions for one scope, run in reverse order when the scope ends, whether it threw or not:
/// the awaited `defer` of `withTeardown`.
public final class Teardown: @unchecked Sendable {
    private let lock = NSLock()
    private var actions: [@Sendable () async -> Void] = []

    init() {}

    /// Adds `action` to run when the scope ends (after the actions added later).
    public func add(_ action: @escaping @Sendable () async -> Void) {
        lock.lock()
        actions.append(action)
        lock.unlock()
    }

    /// Stops `resource` when the scope ends; returns it, to register as it is made.
    @discardableResult
    public func stop<T: AsyncStoppable>(_ resource: T) -> T {
        add { await resource.stop() }
        return resource
    }

    /// Removes `directory` when the scope ends; returns it.
    @discardableResult
    public func remove(_ directory: TempDirectory) -> TempDirectory {
        add { directory.remove() }
        return directory
    }

    fileprivate func runAll() async {
        while let next = popLast() { await next() }
    }

    private func popLast() -> (@Sendable () async -> Void)? {
        lock.withLock { actions.popLast() }
    }
}

/// Runs `body` with a `Teardown` whose actions are awaited when `body` returns or throws.
public func withTeardown<T>(isolation: isolated (any Actor)? = #isolation,
                            _ body: (Teardown) async throws -> T) async throws -> T {
    let teardown = Teardown()
    do {
        let result = try await body(teardown)
        await teardown.runAll()
        return result
    } catch {
        await teardown.runAll()
        throw error
    }
}
