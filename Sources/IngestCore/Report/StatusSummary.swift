import Foundation

/// What `skylark-ingest status` shows: counts per stage and status, items by outcome, and the failures
/// (pure, beside the report model; rendered as text or JSON).
public struct StatusSummary {
    public struct Failure: Encodable {
        public var id: String
        public var stage: String
        public var errorCode: String
        public var message: String
        /// How to fix it, when the error said (left out of the JSON when there is none).
        public var hint: String?
        /// The shard that owns the item, in a view over shards (left out of the JSON otherwise).
        public var shard: String?
        enum CodingKeys: String, CodingKey { case id, stage, message, hint, shard; case errorCode = "error_code" }
    }

    public var stages: [String: [String: Int]] = [:]
    public var items: [String: Int] = [:]
    public var failures: [Failure] = []
    public var total = 0
    /// Per-shard progress, in a view over shards (`StatusSummary+Shards.swift`); nil for one checkpoint.
    public var shards: [ShardProgress]?

    public init(assets: [ManifestAsset], state: JournalState) {
        total = assets.count
        for asset in assets { add(asset, state.item(asset.id)) }
    }

    /// Counts `asset`, whose journal state is `item`, and returns its outcome.
    @discardableResult
    mutating func add(_ asset: ManifestAsset, _ item: ItemState, shard: String? = nil) -> ItemOutcome {
        for stage in ItemMachine.workStages {
            let key = ItemMachine.applies(stage, to: asset.mode) ? item[stage].status.rawValue : "not_applicable"
            stages[stage.rawValue, default: [:]][key, default: 0] += 1
            if item[stage].status == .failed {
                let error = item[stage].error
                failures.append(Failure(id: asset.id, stage: stage.rawValue,
                                        errorCode: (error?.code ?? .unknown).rawValue, message: error?.message ?? "",
                                        hint: error?.hint, shard: shard))
            }
        }
        let through: Stage = item.confirm.isUntouched ? .transfer : .confirm
        let outcome = ItemMachine.outcome(of: item, mode: asset.mode, through: through)
        items[outcome.rawValue, default: 0] += 1
        return outcome
    }

    public func text(manifest: String, checkpoint: String) -> String {
        var out = "\(manifest) — checkpoint \(checkpoint)\n"
        out += "items: \(total) total, \(items["succeeded"] ?? 0) succeeded, \(items["failed"] ?? 0) failed, "
            + "\(items["pending"] ?? 0) pending\n"
        for stage in ItemMachine.workStages.map(\.rawValue) {
            let counts = stages[stage] ?? [:]
            let parts = ["done", "in_progress", "failed", "pending", "not_applicable"].compactMap { key in
                counts[key].map { "\($0) \(key.replacingOccurrences(of: "_", with: " "))" }
            }
            out += "  \(stage.padding(toLength: 10, withPad: " ", startingAt: 0)) \(parts.joined(separator: ", "))\n"
        }
        if let shards { out += Self.shardTable(shards) }
        if !failures.isEmpty {
            out += "failures:\n"
            for failure in failures {
                out += "  \(failure.id) (\(failure.stage)\(failure.shard.map { ", shard " + $0 } ?? "")): "
                    + "[\(failure.errorCode)] \(failure.message)"
                    + (failure.hint.map { " — \($0)" } ?? "") + "\n"
            }
        }
        return out
    }

    public func json(manifest: String, checkpoint: String) throws -> String {
        struct Output: Encodable {
            var manifest: String
            var checkpoint: String
            var total: Int
            var items: [String: Int]
            var stages: [String: [String: Int]]
            var failures: [Failure]
            /// Left out for one checkpoint (its output stays as it was).
            var shards: [ShardProgress]?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Output(manifest: manifest, checkpoint: checkpoint, total: total, items: items,
                                             stages: stages, failures: failures, shards: shards))
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
