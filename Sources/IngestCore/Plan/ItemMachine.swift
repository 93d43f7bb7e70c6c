/// How an item ended up in one run (or as seen from the checkpoint).
public enum ItemOutcome: String, Sendable, Hashable, Codable {
    case succeeded
    case failed
    /// Work remains (a stage that was not requested, or the run stopped first).
    case pending
    /// Not part of this run (another shard), or nothing applies.
    case skipped
}

/// The per-item state machine: given what the journal says, which stage runs next.
///
/// A value type in the style of async-http-client's state machines: events go in, actions come
/// out; the runner carries the actions out and journals them. No I/O here.
public struct ItemMachine: Sendable {
    /// What the runner should do next for the item.
    public enum Action: Sendable, Hashable {
        /// Run `stage`; `reconcile` is true when intents without results must be checked first.
        case perform(Stage, reconcile: Bool)
        /// Nothing more this run.
        case finish(ItemOutcome, IngestError?)
    }

    /// The work stages in order.
    public static let workStages: [Stage] = [.assets, .documents, .transfer, .confirm]

    public private(set) var state: ItemState
    public let mode: IngestMode
    public let requested: Set<Stage>
    public let retryFailed: Bool
    private var current: Stage?
    private var finished = false

    /// A machine for one item; `requested` are the run's stages (`--stages`).
    public init(state: ItemState, mode: IngestMode, requested: Set<Stage>, retryFailed: Bool) {
        self.state = state
        self.mode = mode
        self.requested = requested
        self.retryFailed = retryFailed
    }

    /// Whether `stage` does anything for an item in `mode`.
    public static func applies(_ stage: Stage, to mode: IngestMode) -> Bool {
        switch stage {
        case .validate, .transfer, .confirm: return true
        case .assets, .documents: return mode == .advanced
        }
    }

    /// The first action.
    public mutating func start() -> Action { next(after: nil) }

    /// The stage the runner was performing succeeded.
    public mutating func stageSucceeded() -> Action {
        guard let stage = current else { return .finish(.pending, nil) }
        state[stage].status = .done
        state[stage].openIntents = []
        state[stage].error = nil
        return next(after: stage)
    }

    /// The stage the runner was performing failed with `error`; the item stops here.
    public mutating func stageFailed(_ error: IngestError) -> Action {
        if let stage = current {
            state[stage].status = .failed
            state[stage].error = error
        }
        current = nil
        finished = true
        return .finish(.failed, error)
    }

    /// The run is stopping (signal): an item between stages stays pending.
    public mutating func stop() -> Action {
        current = nil
        finished = true
        return .finish(.pending, nil)
    }

    private mutating func next(after previous: Stage?) -> Action {
        if finished { return .finish(.pending, nil) }
        var startIndex = 0
        if let previous, let index = Self.workStages.firstIndex(of: previous) { startIndex = index + 1 }
        let lastRequested = Self.workStages.last { requested.contains($0) }
        for stage in Self.workStages[startIndex...] {
            guard let lastRequested, stage <= lastRequested else { break }
            guard Self.applies(stage, to: mode) else { continue }
            let stageState = state[stage]
            switch stageState.status {
            case .done:
                continue
            case .failed where !retryFailed && !(stageState.error?.retryable ?? false):
                // Retryable failures (outages, timeouts) are retried by a plain re-run;
                // the others wait for --retry-failed.
                current = nil
                finished = true
                return .finish(.failed, stageState.error)
            default:
                guard requested.contains(stage) else {
                    // A later requested stage needs this one's results, which this run does not produce.
                    current = nil
                    finished = true
                    return .finish(.pending, nil)
                }
                current = stage
                return .perform(stage, reconcile: !stageState.openIntents.isEmpty || stageState.status != .pending)
            }
        }
        current = nil
        finished = true
        return .finish(.succeeded, nil)
    }

    /// The item's status as seen from the checkpoint alone (for `status` and `report`):
    /// failed if a stage failed; succeeded when every applicable stage up to `through` is done.
    public static func outcome(of state: ItemState, mode: IngestMode, through: Stage) -> ItemOutcome {
        let stages = workStages.filter { $0 <= through && applies($0, to: mode) }
        if stages.contains(where: { state[$0].status == .failed }) { return .failed }
        if stages.allSatisfy({ state[$0].status == .done }) { return .succeeded }
        return .pending
    }
}

/// `--shard I/N`: which items this process takes.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// 1-based shard index.
    public let index: Int
    public let count: Int

    /// Parses `I/N` with 1 ≤ I ≤ N.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else {
            throw IngestError(code: .usageShard, message: "--shard must be I/N with 1 ≤ I ≤ N, got '\(text)'",
                              hint: "e.g. --shard 2/4 runs the second of four shards")
        }
        index = i
        count = n
    }

    /// Whether the item at manifest position `position` (0-based) belongs to this shard:
    /// `position mod N == I - 1`. Positions are stable as long as the manifest's order is.
    public func contains(position: Int) -> Bool { position % count == index - 1 }

    public var description: String { "\(index)/\(count)" }
}
