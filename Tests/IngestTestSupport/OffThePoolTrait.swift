import Foundation
import Testing

/// A test trait that runs each test (each case of a parameterised one) on the heavy-test thread, one thread
/// shared by every test with the trait, instead of the cooperative pool: for tests whose body is seconds of
/// synchronous CPU (validation of large manifests, vectors, every-prefix loops) or that block their thread
/// (validation waits for its probe threads).
///
/// Swift Testing starts every test at once, and a synchronous test body runs on a pool thread until it
/// returns: the few hundred such bodies queued at the start of the suite held the pool's two threads for
/// tens of seconds, and a timer of another test (an S3 journal's lease renewal) waited all that time. A
/// thread per test does not help: a few hundred CPU-bound threads leave the pool's two a sliver of the
/// cores. One shared thread takes at most one core, the kernel shares the cores between it and the pool,
/// and the pool's jobs stay short.
///
/// The body (and any child task it starts, which inherits the preference) runs on that thread; code
/// isolated to an actor still runs on that actor's executor. A test with the trait must not block waiting
/// for a task that would run on the same thread (a child task or `Task {}` it starts).
public struct OffThePool: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    /// The one thread every test with the trait runs on.
    public static let executor = ThreadTaskExecutor(name: "heavy tests")

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        guard testCase != nil else { return try await function() }  // the suite itself: nothing to run
        try await withTaskExecutorPreference(Self.executor) { try await function() }
    }
}

extension Trait where Self == OffThePool {
    /// Runs each test on the shared heavy-test thread, off the cooperative pool (see `OffThePool`).
    public static var offThePool: Self { OffThePool() }
}

/// A task executor backed by one thread that runs its jobs in order until `shutdown()`.
/// `@unchecked Sendable`: `jobs`, `stopped` and `thread` are only touched with `condition` held.
public final class ThreadTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    public init(name: String, stackSize: Int = 8 << 20) {
        let thread = Thread { [self] in runJobs() }
        thread.name = name
        thread.stackSize = stackSize
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once the jobs already enqueued have run.
    public func shutdown() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    /// Whether the caller runs on this executor's thread.
    public var isCurrentThread: Bool {
        condition.lock()
        defer { condition.unlock() }
        return thread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
    }

    private var thread: pthread_t?

    private func runJobs() {
        condition.lock()
        thread = pthread_self()
        condition.unlock()
        while let job = next() { job.runSynchronously(on: asUnownedTaskExecutor()) }
    }

    private func next() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !stopped { condition.wait() }
        return jobs.isEmpty ? nil : jobs.removeFirst()
    }
}
