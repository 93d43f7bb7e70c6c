/// Where one stage of one item stands, as replayed from the journal.
public enum StageStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Nothing recorded yet.
    case pending
    /// Started (an intent or a partial result is recorded) but not finished.
    case inProgress = "in_progress"
    case done
    case failed
}

/// The replayed state of one stage of one item.
public struct StageState: Sendable, Hashable {
    /// Operations with an intent and no result: reconcile them before doing anything again.
    public var openIntents: [String] {
        get { detail.value.openIntents }
        set { detail.value.openIntents = newValue }
    }
    /// The last failure (kept until the stage starts again).
    public var error: IngestError? {
        get { detail.value.error }
        set { detail.value.error = newValue }
    }
    /// Open intents and the last error: both are rare in a large run's finished items.
    var detail = Sparse<StageDetail>()
    public var status: StageStatus = .pending

    public init() {}

    init(status: StageStatus, detail: Sparse<StageDetail>) {
        self.status = status
        self.detail = detail
    }

    /// Whether anything at all was recorded for this stage.
    public var isUntouched: Bool { status == .pending && detail.isEmpty }
}

/// A stage's open intents and last error.
struct StageDetail: SparseValue {
    var openIntents: [String] = []
    var error: IngestError?
    static let empty = StageDetail()
}

/// The four work stages' states of an item in 12 bytes: their statuses one byte each, and their open
/// intents and errors (rare: a large run's finished items have none) in one box for all four.
/// `ItemState` keeps one instead of four `StageState`s (16 bytes each with padding, and a box each).
struct StageStates: Sendable, Hashable {
    private var details = Sparse<StageDetails>()
    private var statuses: (StageStatus, StageStatus, StageStatus, StageStatus) = (.pending, .pending, .pending, .pending)

    init() {}

    /// The state of `stage` (validate has none: it is redone every run, and setting it does nothing).
    subscript(stage: Stage) -> StageState {
        get {
            guard let slot = Self.slot(stage) else { return StageState() }
            var detail = Sparse<StageDetail>()
            if !details.isEmpty { detail.value = details.value.stages[slot] }
            return StageState(status: status(slot), detail: detail)
        }
        set {
            guard let slot = Self.slot(stage) else { return }
            setStatus(slot, newValue.status)
            let detail = newValue.detail.value
            if details.isEmpty && detail.isEmpty { return }
            details.modify { $0.stages[slot] = detail }
        }
    }

    private static func slot(_ stage: Stage) -> Int? {
        switch stage {
        case .validate: return nil
        case .assets: return 0
        case .documents: return 1
        case .transfer: return 2
        case .confirm: return 3
        }
    }

    private func status(_ slot: Int) -> StageStatus {
        switch slot {
        case 0: return statuses.0
        case 1: return statuses.1
        case 2: return statuses.2
        default: return statuses.3
        }
    }

    private mutating func setStatus(_ slot: Int, _ status: StageStatus) {
        switch slot {
        case 0: statuses.0 = status
        case 1: statuses.1 = status
        case 2: statuses.2 = status
        default: statuses.3 = status
        }
    }

    static func == (a: StageStates, b: StageStates) -> Bool {
        a.details == b.details && a.statuses.0 == b.statuses.0 && a.statuses.1 == b.statuses.1
            && a.statuses.2 == b.statuses.2 && a.statuses.3 == b.statuses.3
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(details)
        hasher.combine(statuses.0)
        hasher.combine(statuses.1)
        hasher.combine(statuses.2)
        hasher.combine(statuses.3)
    }
}

/// The open intents and errors of the four work stages (assets, documents, transfer, confirm).
struct StageDetails: SparseValue {
    var stages = [StageDetail](repeating: .empty, count: 4)
    static let empty = StageDetails()
}
