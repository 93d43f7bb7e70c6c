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

extension DedicatedThread {
    /// Calls `body(index)` once for every index in `0..<count` on `width` threads of their own (never
    /// the cooperative pool nor GCD's workers), each thread taking the next index as it finishes one;
    /// returns when every call has returned. Meant for blocking I/O whose latency, not CPU, is the cost
    /// (opening files on network storage): the width is how many calls are in flight, whatever the
    /// number of cores. Blocks the calling thread, so call it from a dedicated thread (or a test).
    /// With `width` ≤ 1 or a single index the calls run on the calling thread, in order.
    public static func forEach(count: Int, width: Int, name: String, stackSize: Int = 512 << 10,
                               _ body: @escaping @Sendable (Int) -> Void) {
        let threads = min(width, count)
        if threads <= 1 {
            for index in 0..<count { body(index) }
            return
        }
        let work = SharedWork(count: count, threads: threads)
        for n in 0..<threads {
            let thread = Thread {
                while let index = work.next() { body(index) }
                work.threadFinished()
            }
            thread.name = "\(name)-\(n)"
            thread.stackSize = stackSize
            thread.start()
        }
        work.waitForThreads()
    }

    /// The next index to hand out and the threads still running.
    /// `@unchecked Sendable`: every access holds `condition`.
    private final class SharedWork: @unchecked Sendable {
        private let condition = NSCondition()
        private let count: Int
        private var nextIndex = 0
        private var running: Int

        init(count: Int, threads: Int) {
            self.count = count
            running = threads
        }

        func next() -> Int? {
            condition.lock()
            defer { condition.unlock() }
            guard nextIndex < count else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }

        func threadFinished() {
            condition.lock()
            running -= 1
            if running == 0 { condition.broadcast() }
            condition.unlock()
        }

        func waitForThreads() {
            condition.lock()
            while running > 0 { condition.wait() }
            condition.unlock()
        }
    }
}
