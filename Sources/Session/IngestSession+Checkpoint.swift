import Foundation
import IngestCore
import Pipeline
import S3

/// A run's checkpoint as `IngestSession.openCheckpoint` leaves it: replayed, its warnings printed, compacted
/// when its records outgrew its items.
public struct OpenedCheckpoint: Sendable {
    /// Where the run's records go.
    public let journal: any JournalSink
    /// What the stages talk to: the journal with the replayed state.
    public let checkpoint: Checkpoint

    /// The run's end: compacts when the records outgrew the items, then closes (errors are ignored: the
    /// records are already durable, a resume replays them as they are).
    public func finish() async {
        let state = checkpoint.snapshot
        if JournalFile.shouldCompact(state) { try? await journal.compact(state) }
        try? await journal.close()
    }
}

extension IngestSession {
    /// The lease TTL of an S3 checkpoint: `SKYLARK_CHECKPOINT_LEASE_SECONDS` (tests), else 30 s.
    static func leaseTTL(_ environment: [String: String]) -> Duration {
        if let text = environment["SKYLARK_CHECKPOINT_LEASE_SECONDS"], let seconds = Double(text), seconds > 0 {
            return .milliseconds(Int64(seconds * 1000))
        }
        return .seconds(30)
    }

    /// Opens a run's checkpoint at `location` for appending, as `run` does: a file is locked; `s3://BUCKET/PREFIX/`
    /// (docs/checkpoint-s3.md) is leased and fenced on the session's S3 client, and `onFenced` runs when another
    /// task takes the shard over (stop every effect at once). Warnings go to `notice`; a journal whose records
    /// outgrew its items is compacted before the run.
    public func openCheckpoint(location: String, header: JournalHeader, shard: Shard? = nil,
                               onFenced: @escaping @Sendable (IngestError) -> Void = { _ in }) async throws -> OpenedCheckpoint {
        let journal: any JournalSink
        let state: JournalState
        let warnings: [String]
        if S3JournalLayout.isS3(location) {
            let (bucket, prefix) = try S3JournalLayout.parse(location)
            let store = try await checkpointStore(bucket: bucket)
            var options = S3Journal.Options()
            options.leaseTTL = Self.leaseTTL(try configuration().environment)
            options.onFenced = onFenced
            let notice = notice
            options.notice = { notice("checkpoint: \($0)") }
            let opened = try await S3Journal.open(store: store, layout: S3JournalLayout(bucket: bucket, prefix: prefix, shard: shard),
                                                  header: header, options: options)
            (journal, state, warnings) = (opened.journal, opened.state, opened.warnings)
        } else {
            let opened = try JournalFile.open(path: location, header: header)
            let recorded = opened.state.header?.shard
            if recorded != shard?.description {
                opened.journal.abandon()
                throw IngestError.shardMismatch(location: location, recorded: recorded, requested: shard?.description,
                                                ownCheckpoint: "--checkpoint")
            }
            (journal, state, warnings) = (opened.journal, opened.state, opened.warnings)
        }
        for warning in warnings { notice("warning: \(warning)") }
        if JournalFile.shouldCompact(state) { try? await journal.compact(state) }
        return OpenedCheckpoint(journal: journal, checkpoint: Checkpoint(journal: journal, state: state))
    }

    /// The replayed state of one shard's journal under `s3://BUCKET/PREFIX/`, read only: no lease is taken,
    /// nothing is written (`run --dry-run`).
    public func replayCheckpoint(_ location: String, shard: Shard?) async throws -> JournalState {
        let (bucket, prefix) = try S3JournalLayout.parse(location)
        let store = try await checkpointStore(bucket: bucket)
        return try await S3Journal.replay(store: store, layout: S3JournalLayout(bucket: bucket, prefix: prefix, shard: shard)).state
    }

    /// Where `status` and `report` read every shard's journal (read only): nil is the shard checkpoints beside
    /// the manifest, a path a directory of checkpoints, `s3://BUCKET/PREFIX/` the journals under that prefix
    /// (the only one that needs the configuration and credentials).
    public func shardJournals(at location: String?, manifest: String) async throws -> any ShardJournalSource {
        guard let location else { return LocalShardJournals.beside(manifest: manifest) }
        guard location.hasPrefix("s3://") else { return LocalShardJournals.inDirectory(location, manifest: manifest) }
        let (bucket, prefix) = try S3JournalLayout.parse(location)
        return S3ShardJournalSource(store: try await checkpointStore(bucket: bucket), bucket: bucket, prefix: prefix)
    }

    /// The checkpoint's bucket on the session's S3 client (the watchfolder's credentials, region and endpoint),
    /// checked with HeadBucket: a missing bucket or refused credentials end the command before any work.
    public func checkpointStore(bucket: String) async throws -> S3JournalObjectStore {
        let client = try await s3Client()
        try await client.headBucket(bucket)
        return S3JournalObjectStore(client: client, bucket: bucket)
    }
}
