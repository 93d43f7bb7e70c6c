import IngestCore

/// One view of a migration run as shards (pure): the journals found at a location become a
/// `ShardStates`, where each item is read from the journal of the shard that owns it.
///
/// What the journals must agree on, and what happens when they do not:
/// - one shard count: journals with records made with different counts are `CHECKPOINT_SHARD_COUNTS`;
///   journals of another count without any item record are ignored with a warning;
/// - one journal per shard: two with records claiming one shard are `CHECKPOINT_SHARD_DUPLICATE`; when
///   only one of them has records it is used, with a warning;
/// - no journal of the whole manifest beside shard journals (`CHECKPOINT_SHARD_MIXED`), unless it has no
///   item record (ignored, with a warning); journals of the whole manifest alone make one shard, `1/1`;
/// - an item recorded in the journal of a shard that does not own it is ignored, with a warning;
/// - a shard without a journal has no checkpoint yet: its items are pending (`missing`).
public enum ShardMerge {
    public struct Result: Sendable {
        /// Every shard 1…N, those without a journal with an empty state and no location.
        public var shards: ShardStates
        /// What was ignored or repaired, one line each (for stderr).
        public var warnings: [String]
        /// The shards without a journal (`I/N`), in order.
        public var missing: [String]
    }

    /// Merges `journals`, read from `location` (named in messages).
    public static func merge(_ journals: [ShardJournal], location: String) throws -> Result {
        guard !journals.isEmpty else {
            throw IngestError(code: .checkpointNotFound, message: "no checkpoint at \(location)",
                              hint: "run `skylark-ingest run MANIFEST --shard I/N` first, or give --checkpoint the location its runs used")
        }
        var warnings: [String] = []
        for journal in journals {
            if let torn = journal.replay.tornTail { warnings.append("\(journal.location): \(torn.description)") }
        }
        var sharded: [(shard: Shard, journal: ShardJournal)] = []
        var whole: [ShardJournal] = []
        for journal in journals {
            guard let label = journal.shard else { whole.append(journal); continue }
            guard let shard = try? Shard(parsing: label) else {
                throw IngestError(code: .checkpointCorrupt, message: "\(journal.location) records shard '\(label)', which is not I/N",
                                  hint: "the journal's header was damaged; move it aside")
            }
            sharded.append((shard, journal))
        }
        if sharded.isEmpty {
            // Runs of the whole manifest only: one shard of one.
            let shard = try Shard(index: 1, count: 1)
            sharded = [(shard, try pick(whole, claiming: "the whole manifest", warnings: &warnings))]
            return try finish(sharded, count: 1, warnings: warnings)
        }
        for journal in whole {
            guard !hasRecords(journal) else {
                throw IngestError(code: .checkpointShardMixed, message:
                    "\(journal.location) is a checkpoint of the whole manifest, beside shard checkpoints at \(location)",
                    hint: "a run of the whole manifest and sharded runs share this location: move the whole-manifest "
                        + "checkpoint aside, or read it on its own with --checkpoint FILE")
            }
            warnings.append("\(journal.location): a checkpoint of the whole manifest with no item recorded, ignored")
        }
        let count = try shardCount(sharded, location: location, warnings: &warnings)
        sharded.removeAll { $0.shard.count != count }
        return try finish(sharded, count: count, warnings: warnings)
    }

    /// The one shard count of the journals with records (journals of other counts without records are dropped).
    private static func shardCount(_ sharded: [(shard: Shard, journal: ShardJournal)], location: String,
                                   warnings: inout [String]) throws -> Int {
        let counts = Set(sharded.map(\.shard.count))
        guard counts.count > 1 else { return counts.first ?? 1 }
        let withRecords = Set(sharded.filter { hasRecords($0.journal) }.map(\.shard.count))
        guard withRecords.count <= 1 else {
            let described = withRecords.sorted().map { count in
                let names = sharded.filter { $0.shard.count == count }.prefix(2).map(\.journal.location)
                return "\(count) shards (\(names.joined(separator: ", "))\(names.count > 1 ? ", …" : ""))"
            }
            throw IngestError(code: .checkpointShardCounts, message:
                "the checkpoints at \(location) were made with different shard counts: \(described.joined(separator: "; "))",
                hint: "the shard count is fixed for a migration: move the checkpoints of the other count aside, "
                    + "or give --checkpoint the location of one set")
        }
        let count = withRecords.first ?? counts.max() ?? 1
        for (shard, journal) in sharded where shard.count != count {
            warnings.append("\(journal.location): a checkpoint of shard \(shard) with no item recorded, "
                            + "beside checkpoints of \(count) shards: ignored")
        }
        return count
    }

    /// Shards 1…`count`, each from its journal (if any).
    private static func finish(_ sharded: [(shard: Shard, journal: ShardJournal)], count: Int,
                               warnings: [String]) throws -> Result {
        var warnings = warnings
        var byIndex: [Int: [ShardJournal]] = [:]
        for (shard, journal) in sharded { byIndex[shard.index, default: []].append(journal) }
        var slots: [ShardStates.Slot] = []
        var missing: [String] = []
        slots.reserveCapacity(count)
        for index in 1...count {
            let label = "\(index)/\(count)"
            guard let claimants = byIndex[index] else {
                slots.append(.init(label: label, location: nil, state: JournalState()))
                missing.append(label)
                continue
            }
            let journal = try pick(claimants, claiming: "shard \(label)", warnings: &warnings)
            let foreign = foreignItems(journal.replay.state, index: index - 1, count: count)
            if foreign.count > 0 {
                warnings.append("\(journal.location): \(foreign.count) recorded item(s) belong to other shards, ignored "
                                + "(their owners' checkpoints are read): \(foreign.examples.joined(separator: ", "))"
                                + (foreign.count > foreign.examples.count ? ", …" : ""))
            }
            slots.append(.init(label: label, location: journal.location, state: journal.replay.state))
        }
        return Result(shards: ShardStates(slots: slots), warnings: warnings, missing: missing)
    }

    /// The one journal among `claimants` (all claiming one shard) to read: the only one, or the only one
    /// with records; two with records are `CHECKPOINT_SHARD_DUPLICATE`.
    static func pick(_ claimants: [ShardJournal], claiming shard: String, warnings: inout [String]) throws -> ShardJournal {
        guard claimants.count > 1 else { return claimants[0] }
        let withRecords = claimants.filter(hasRecords)
        guard withRecords.count <= 1 else {
            throw IngestError(code: .checkpointShardDuplicate, message:
                "\(withRecords.count) checkpoints claim \(shard): \(withRecords.map(\.location).joined(separator: ", "))",
                hint: "two runs of one shard wrote separate checkpoints: keep the current one and move the others aside")
        }
        let chosen = withRecords.first ?? claimants[0]
        for journal in claimants where journal.location != chosen.location {
            warnings.append("\(journal.location): another checkpoint of \(shard) with no item recorded, ignored "
                            + "(\(chosen.location) is read)")
        }
        return chosen
    }

    private static func hasRecords(_ journal: ShardJournal) -> Bool { !journal.replay.state.items.isEmpty }

    /// How many items of `state` shard `index` (0-based) of `count` does not own, and the first few.
    private static func foreignItems(_ state: JournalState, index: Int, count: Int) -> (count: Int, examples: [String]) {
        var total = 0
        var examples: [String] = []
        for item in state.items.values where Shard.slot(of: item.id, count: count) != index {
            total += 1
            if examples.count < 3 { examples.append(item.id) }
        }
        return (total, examples)
    }
}
