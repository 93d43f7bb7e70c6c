import IngestCore

/// How a run behaves (from the command line).
public struct RunOptions: Sendable {
    /// The stages to run (`--stages`); `validate` is always done before the runner starts.
    public var stages: Set<Stage>
    /// Items inside an API stage at once (`--concurrency`).
    public var concurrency: Int
    /// Videos uploading at once (each uploader bounds its own bytes in flight).
    public var transferSlots: Int
    /// Retry items whose failure was not retryable (`--retry-failed`); retryable failures are always retried.
    public var retryFailed: Bool
    public var confirmTimeout: Duration
    public var pollInterval: Duration
    public var retrier: Retrier

    public init(stages: Set<Stage> = Set(Stage.defaultRun), concurrency: Int = 8, transferSlots: Int = 4,
                retryFailed: Bool = false, confirmTimeout: Duration = .seconds(300),
                pollInterval: Duration = .seconds(2), retrier: Retrier = Retrier()) {
        self.stages = stages
        self.concurrency = max(1, concurrency)
        self.transferSlots = max(1, transferSlots)
        self.retryFailed = retryFailed
        self.confirmTimeout = confirmTimeout
        self.pollInterval = pollInterval
        self.retrier = retrier
    }
}

/// What a run did.
public struct RunResult: Sendable {
    /// Outcome per item of this run.
    public var outcomes: [String: ItemOutcome]
    /// Failures per item (stage failures and drift refusals).
    public var errors: [String: IngestError]
    /// Whether a stop request ended the run early.
    public var interrupted: Bool
    /// The checkpoint write that failed and stopped the run (`CHECKPOINT_IO`), if one did.
    public var journalFailure: IngestError?

    public init(outcomes: [String: ItemOutcome], errors: [String: IngestError], interrupted: Bool,
                journalFailure: IngestError? = nil) {
        self.outcomes = outcomes
        self.errors = errors
        self.interrupted = interrupted
        self.journalFailure = journalFailure
    }

    /// Number of items with `outcome`.
    public func count(_ outcome: ItemOutcome) -> Int { outcomes.values.reduce(0) { $1 == outcome ? $0 + 1 : $0 } }
}
