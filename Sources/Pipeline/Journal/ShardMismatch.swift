import IngestCore

extension IngestError {
    /// `USAGE_SHARD_MISMATCH`: the checkpoint at `location` was made for shard `recorded` and this run is shard
    /// `requested` (nil: a run of the whole manifest); `ownCheckpoint` is what would give the run its own
    /// (`--checkpoint`, `--checkpoint prefix`).
    public static func shardMismatch(location: String, recorded: String?, requested: String?, ownCheckpoint: String) -> IngestError {
        IngestError(
            code: .usageShardMismatch,
            message: "\(location) belongs to \(recorded.map { "shard " + $0 } ?? "a run of the whole manifest"), "
                + "not \(requested.map { "shard \($0)" } ?? "the whole manifest")",
            hint: "run with the shard the checkpoint was made with (the shard count is fixed for a checkpoint), "
                + "or give this run its own \(ownCheckpoint)")
    }
}
