import IngestCore

/// A graceful-stop request shared by the runner and the signal handler: once set, no new item or
/// stage starts; stages already running finish and are checkpointed.
public final class StopSignal: Sendable {
    private let flag = Locked(false)

    public init() {}

    /// Asks the run to stop.
    public func request() { flag.withLock { $0 = true } }

    /// Whether a stop was requested.
    public var isRequested: Bool { flag.withLock { $0 } }
}
