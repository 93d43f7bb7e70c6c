/// Where one stage of one item stands, as replayed from the journal.
public enum StageStatus: String, Sendable, Hashable, Codable {
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
    private var detail = Sparse<StageDetail>()
    public var status: StageStatus = .pending

    public init() {}

    /// Whether anything at all was recorded for this stage.
    public var isUntouched: Bool { status == .pending && detail.isEmpty }
}

/// A stage's open intents and last error.
private struct StageDetail: SparseValue {
    var openIntents: [String] = []
    var error: IngestError?
    static let empty = StageDetail()
}
