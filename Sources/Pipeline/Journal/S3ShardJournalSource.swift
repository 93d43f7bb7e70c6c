import IngestCore

/// Every shard's journal under an S3 checkpoint prefix (`PREFIX/shard-I-of-N/`, `PREFIX/all/`), for
/// `status` and `report` over a whole migration. Reads only: no lease is taken and nothing is written, so it
/// may run while the shards' tasks work (each journal is then as of when it was read).
public struct S3ShardJournalSource: ShardJournalSource {
    public let store: any JournalObjectStore
    public let bucket: String
    public let prefix: String

    public init(store: any JournalObjectStore, bucket: String, prefix: String) {
        self.store = store
        self.bucket = bucket
        self.prefix = S3JournalLayout.normalized(prefix)
    }

    /// A source for `s3://BUCKET/PREFIX/` over `store` (the store must be in BUCKET).
    public init(url: String, store: any JournalObjectStore) throws {
        let (bucket, prefix) = try S3JournalLayout.parse(url)
        self.init(store: store, bucket: bucket, prefix: prefix)
    }

    public func load() async throws -> [ShardJournal] {
        let keys = try await store.list(prefix: prefix)
        var journals: [ShardJournal] = []
        for (_, shard) in S3JournalLayout.shardDirectories(in: keys, prefix: prefix) {
            let layout = S3JournalLayout(bucket: bucket, prefix: prefix, shard: shard)
            let replayed = try await S3Journal.replay(store: store, layout: layout)
            let result = JournalReplay.Result(state: replayed.state, validLength: replayed.bytesRead, tornTail: nil)
            journals.append(ShardJournal(shard: replayed.state.header?.shard ?? shard?.description, location: layout.location,
                                         replay: result))
        }
        return journals
    }
}
