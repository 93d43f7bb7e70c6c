import IngestCore

/// One shard's replayed journal, wherever it is kept (a local file or an S3 prefix), for the views
/// over a whole migration: `status` and `report` merge these into one (issue 12).
public struct ShardJournal: Sendable {
    /// The shard (`I/N`) recorded in the journal's header, or nil for a run of the whole manifest.
    public var shard: String?
    /// Where it was read from (a path or an `s3://` URL), for messages.
    public var location: String
    /// The replayed journal.
    public var replay: JournalReplay.Result

    public init(shard: String?, location: String, replay: JournalReplay.Result) {
        self.shard = shard
        self.location = location
        self.replay = replay
    }
}

/// Somewhere the journals of a migration's shards can be read from (read only).
public protocol ShardJournalSource: Sendable {
    /// Every journal found, in a stable order (by shard index).
    func load() async throws -> [ShardJournal]
}
