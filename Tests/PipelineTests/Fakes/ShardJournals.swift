import Foundation
import IngestCore
import Pipeline

/// Journals of a migration run as shards, built as bytes and replayed as `status`/`report` read them.
enum ShardJournals {
    /// What a journal records for an item (simple mode: only `transfer` applies).
    enum Record {
        case done, failed, started
    }

    /// `count` simple-mode manifest items `item-0`…
    static func assets(_ count: Int) -> [ManifestAsset] {
        let location = SourceLocation(file: "m.yaml", line: 1, column: 1)
        return (0..<count).map { ManifestAsset(id: "item-\($0)", mode: .simple, video: "v\($0).mp4", videoPath: "/m/v\($0).mp4",
                                               location: location) }
    }

    /// The ids of `assets` that shard `index` (1-based) of `count` owns.
    static func owned(_ assets: [ManifestAsset], index: Int, count: Int) -> [String] {
        assets.map(\.id).filter { Shard.slot(of: $0, count: count) == index - 1 }
    }

    /// A journal with `shard` in its header (nil: the whole manifest) recording `records`, the n-th at
    /// `2025-01-01T00:00:0n.000Z`; `header: false` leaves the header out (an empty file).
    static func journal(_ shard: String?, _ records: [(String, Record)], location: String? = nil,
                        header: Bool = true) throws -> ShardJournal {
        var bytes: [UInt8] = []
        if header {
            bytes += JournalCodec.encode(.header(JournalHeader(toolVersion: "test", manifestPath: "m.yaml", manifestSHA256: "",
                                                               createdAt: "2025-01-01T00:00:00.000Z", shard: shard)))
        }
        for (offset, (id, record)) in records.enumerated() {
            let at = "2025-01-01T00:00:\(String(format: "%02d", offset % 60)).000Z"
            let entry: JournalEntry
            switch record {
            case .done:
                entry = JournalEntry(item: id, stage: .transfer, event: .done, data: ["bucket": .string("wf"), "key": .string("\(id).mp4")])
            case .failed:
                entry = JournalEntry(item: id, stage: .transfer, event: .failed, data: ["error": .object([
                    "code": .string(ErrorCode.fileMissing.rawValue), "message": .string("gone")])])
            case .started:
                entry = JournalEntry(item: id, stage: .transfer, event: .intent, op: "upload")
            }
            var stamped = entry
            stamped.seq = UInt64(offset + 1)
            stamped.at = at
            bytes += JournalCodec.encode(.entry(stamped))
        }
        let name = location ?? "m.yaml." + (shard.map { "shard-" + $0.replacingOccurrences(of: "/", with: "-of-") } ?? "") + ".checkpoint"
        return ShardJournal(shard: shard, location: name, replay: try JournalReplay.replay(bytes, path: name))
    }
}
