import IngestCore

/// The run's view of the journal: record events (to disk when a file backs it) and read the
/// replayed state of any item. Stages only talk to this.
public final class Checkpoint: Sendable {
    /// The journal (a file or an S3 log), or nil for an in-memory checkpoint (dry runs, tests).
    public let journal: (any JournalSink)?
    private let state: Locked<JournalState>

    /// A checkpoint over `journal` starting from the replayed `state`.
    public init(journal: (any JournalSink)?, state: JournalState) {
        self.journal = journal
        self.state = Locked(state)
    }

    /// An in-memory checkpoint (nothing is written).
    public static func inMemory(_ state: JournalState = JournalState()) -> Checkpoint {
        Checkpoint(journal: nil, state: state)
    }

    /// Records `entry`; with `durable`, returns once it is durable (on disk, or stored in S3).
    public func record(_ entry: JournalEntry, durable: Bool) async throws {
        var entry = entry
        if entry.at.isEmpty { entry.at = Timestamp.now() }
        if let journal {
            entry.seq = try await journal.append(entry, durable: durable)
        }
        let applied = entry
        state.withLock { $0.apply(applied) }
    }

    /// Records an event of `item` at `stage`.
    public func record(_ item: String, _ stage: Stage, _ event: JournalEvent, op: String? = nil,
                       data: [String: JSONValue] = [:], durable: Bool = true) async throws {
        try await record(JournalEntry(item: item, stage: stage, event: event, op: op, data: data), durable: durable)
    }

    /// Records `fact` about `item`.
    public func record(_ item: String, _ fact: JournalFact, durable: Bool = true) async throws {
        try await record(fact.entry(item: item), durable: durable)
    }

    /// Makes room for `count` items in all (the run's manifest size).
    public func reserveCapacity(_ count: Int) { state.withLock { $0.reserveCapacity(count) } }

    /// The replayed state of `item`.
    public func item(_ id: String) -> ItemState { state.withLock { $0.item(id) } }

    /// A copy of the whole state (for reports).
    public var snapshot: JournalState { state.withLock { $0 } }

    /// Waits until everything recorded is durable.
    public func sync() async throws { try await journal?.sync() }
}
