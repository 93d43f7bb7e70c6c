import Foundation
import IngestCore
import Pipeline
import Session

/// What `status` and `report` read: one checkpoint (as before shards), or every shard's journal of a
/// migration, merged into one view.
enum CheckpointSelection {
    /// One checkpoint file.
    case single(path: String)
    /// A migration run as shards: `location` names where the journals were read (messages, report).
    case shards(ShardMerge.Result, location: String)

    /// The checkpoint(s) for `manifest`:
    /// - `--checkpoint s3://BUCKET/PREFIX/`: every shard's journal under the prefix;
    /// - `--checkpoint DIR`: the shard checkpoints in the directory (one whole-manifest checkpoint there
    ///   is read as before);
    /// - `--checkpoint FILE`: that file (it must exist);
    /// - none: `MANIFEST.checkpoint` when it exists, else the `MANIFEST.shard-I-of-N.checkpoint` files
    ///   beside the manifest, else `CHECKPOINT_NOT_FOUND` as before.
    /// Warnings (ignored journals, foreign items, torn tails) go to stderr. Only an `s3://` prefix asks `session`
    /// for the configuration and credentials.
    static func resolve(_ options: CheckpointOptions, manifest: String, session: IngestSession) async throws -> CheckpointSelection {
        if let location = options.checkpoint {
            var isDirectory: ObjCBool = false
            let directory = FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory) && isDirectory.boolValue
            guard location.hasPrefix("s3://") || directory else {
                return .single(path: try options.existingPath(for: manifest))
            }
            return try await merged(location: location, manifest: manifest, session: session)
        }
        let defaultPath = options.path(for: manifest)
        if FileManager.default.fileExists(atPath: defaultPath) { return .single(path: defaultPath) }
        let beside = LocalShardJournals.beside(manifest: manifest)
        guard let found = try? beside.paths(), !found.isEmpty else {
            return .single(path: try options.existingPath(for: manifest))
        }
        return try await merged(location: nil, manifest: manifest, session: session)
    }

    /// Loads and merges the journals at `location` (nil: beside the manifest).
    private static func merged(location: String?, manifest: String, session: IngestSession) async throws -> CheckpointSelection {
        let description = location ?? LocalShardJournals.beside(manifest: manifest).description
        let journals: [ShardJournal]
        do { journals = try await session.shardJournals(at: location, manifest: manifest).load() } catch {
            throw ExitStatus.fail(error)
        }
        if journals.count == 1, journals[0].shard == nil, !journals[0].location.hasPrefix("s3://") {
            // A directory holding one checkpoint of the whole manifest: read it as before.
            return .single(path: journals[0].location)
        }
        do {
            let result = try ShardMerge.merge(journals, location: description)
            for warning in result.warnings { Console.printError("warning: \(warning)") }
            return .shards(result, location: description)
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}
