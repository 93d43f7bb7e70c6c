/// One shard's line in `status` over a migration run as shards.
public struct ShardProgress: Sendable, Hashable, Encodable {
    /// `I/N`.
    public var shard: String
    /// Where its journal was read from; nil when the shard has no checkpoint yet.
    public var checkpoint: String?
    /// The manifest items the shard owns.
    public var items = 0
    public var succeeded = 0
    public var failed = 0
    /// Not finished, with some stage started.
    public var inProgress = 0
    /// Not started.
    public var pending = 0
    /// The latest record time in its journal (UTC ISO 8601), nil when none.
    public var lastActivity: String?

    public init(shard: String, checkpoint: String?, lastActivity: String?) {
        self.shard = shard
        self.checkpoint = checkpoint
        self.lastActivity = lastActivity
    }

    enum CodingKeys: String, CodingKey {
        case shard, checkpoint, items, succeeded, failed, pending
        case inProgress = "in_progress"
        case lastActivity = "last_activity"
    }

    public func encode(to encoder: any Encoder) throws {
        // Explicit nulls, as in report.json: every shard has every key.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(shard, forKey: .shard)
        try c.encode(checkpoint, forKey: .checkpoint)
        try c.encode(items, forKey: .items)
        try c.encode(succeeded, forKey: .succeeded)
        try c.encode(failed, forKey: .failed)
        try c.encode(inProgress, forKey: .inProgress)
        try c.encode(pending, forKey: .pending)
        try c.encode(lastActivity, forKey: .lastActivity)
    }

    /// Counts an item the shard owns.
    mutating func add(_ outcome: ItemOutcome, started: Bool) {
        items += 1
        switch outcome {
        case .succeeded: succeeded += 1
        case .failed: failed += 1
        case .pending, .skipped: if started { inProgress += 1 } else { pending += 1 }
        }
    }
}

extension StatusSummary {
    /// The status of a whole migration run as shards: each item as its owner's journal has it, the
    /// totals over all shards, and one `ShardProgress` per shard.
    public init(assets: [ManifestAsset], shards states: ShardStates) {
        total = assets.count
        var progress = states.slots.map {
            ShardProgress(shard: $0.label, checkpoint: $0.location, lastActivity: $0.state.lastActivity)
        }
        for asset in assets {
            let owner = states.owner(of: asset.id)
            let item = states.slots[owner].state.item(asset.id)
            let outcome = add(asset, item, shard: states.slots[owner].label)
            let started = ItemMachine.workStages.contains { item[$0].status != .pending }
            progress[owner].add(outcome, started: started)
        }
        shards = progress
    }

    /// The per-shard table of the text output, with a total line.
    static func shardTable(_ shards: [ShardProgress]) -> String {
        var total = ShardProgress(shard: "total", checkpoint: nil, lastActivity: nil)
        for shard in shards {
            total.items += shard.items
            total.succeeded += shard.succeeded
            total.failed += shard.failed
            total.inProgress += shard.inProgress
            total.pending += shard.pending
        }
        let headers = ["shard", "items", "succeeded", "failed", "in progress", "pending"]
        let rows = (shards + [total]).map { shard in
            [shard.shard, "\(shard.items)", "\(shard.succeeded)", "\(shard.failed)", "\(shard.inProgress)", "\(shard.pending)"]
        }
        let widths = headers.indices.map { column in ([headers] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        var out = "shards:\n  " + line(headers) + "  last activity\n"
        for (index, row) in rows.enumerated() {
            if index == shards.count {
                out += "  " + line(row) + "\n"
            } else {
                let shard = shards[index]
                let activity = shard.checkpoint == nil ? "no checkpoint yet" : shard.lastActivity ?? "nothing recorded"
                out += "  " + line(row) + "  " + activity + "\n"
            }
        }
        return out
    }
}
