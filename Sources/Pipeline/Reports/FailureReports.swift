import IngestCore

/// Rewrites the reports while a run goes on, once items fail: an operator watching the report
/// directory, or a cron job killed later, sees the failures without waiting for the end.
///
/// The first failure is written `settle` after it happened (a burst of failures becomes one
/// write), later ones at most once per `interval` (or ten times the last write's duration, when
/// longer). Writes run one at a time on a thread of their own (a 100,000-item report is seconds of
/// blocking I/O). `finish` waits for a write in progress, so the run's final report is never
/// overtaken by an older one, and starts none (the run writes its final report next).
public final class FailureReports: Sendable {
    private struct State {
        var failures: [String: IngestError] = [:]
        var pending = false
        var writes = 0
    }

    private let state = Locked(State())
    private let loop = Locked<Task<Void, Never>?>(nil)
    private let settle: Duration
    private let interval: Duration
    private let write: @Sendable (_ failures: [String: IngestError]) -> Void

    /// `write` renders the reports with this run's failures so far (it handles its own errors).
    public init(settle: Duration = .seconds(2), interval: Duration = .seconds(30),
                write: @escaping @Sendable (_ failures: [String: IngestError]) -> Void) {
        self.settle = settle
        self.interval = interval
        self.write = write
    }

    /// Notes a failed item (pass every event of the run; the others are ignored).
    public func record(_ event: PipelineEvent) {
        guard event.kind == .itemFinished, event.outcome == .failed else { return }
        let error = event.error ?? IngestError(code: .unknown, item: event.item, message: "the item failed")
        state.withLock {
            $0.failures[event.item] = error
            $0.pending = true
        }
    }

    /// This run's failures so far, by item.
    public var failures: [String: IngestError] { state.withLock { $0.failures } }

    /// Number of reports written so far.
    public var writes: Int { state.withLock { $0.writes } }

    /// Starts watching for failures.
    public func start() {
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: settle)
                if Task.isCancelled { break }
                let failures: [String: IngestError]? = state.withLock { state in
                    guard state.pending else { return nil }
                    state.pending = false
                    return state.failures
                }
                guard let failures else { continue }
                let clock = ContinuousClock()
                let started = clock.now
                await DedicatedThread.run(name: "failure-reports") { [write] in write(failures) }
                let took = clock.now - started
                state.withLock { $0.writes += 1 }
                // A report that takes long to write (a huge catalogue) is rewritten less often: at
                // most a tenth of the time goes into reports.
                try? await Task.sleep(for: max(.zero, max(interval, took * 10) - settle))
            }
        }
        loop.withLock { $0 = task }
    }

    /// Stops watching; returns once a write in progress is done.
    public func finish() async {
        guard let task = loop.withLock({ $0 }) else { return }
        task.cancel()
        await task.value
    }
}
