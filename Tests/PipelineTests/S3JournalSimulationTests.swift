import Foundation
import IngestCore
@testable import Pipeline
import Testing

/// The simulation behind docs/checkpoint-s3.md, "Sizing": one shard's share of 500,000 items over 64 shards
/// (7,813 items) through the record pattern the stages produce, with the real `S3Journal` (production
/// options) against a counting in-memory store that answers after `storeLatency`. Run by hand:
/// `SKYLARK_SIMULATION=1 swift test --skip-build --filter S3JournalSimulationTests`. Not a timing test: it
/// prints what it counted.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SKYLARK_SIMULATION"] != nil, "set SKYLARK_SIMULATION=1"))
struct S3JournalSimulationTests {
    /// The store with a fixed latency per request.
    struct SlowStore: JournalObjectStore {
        let base: InMemoryJournalStore.View
        let latency: Duration
        func put(_ key: String, _ body: [UInt8], condition: JournalWriteCondition) async throws -> JournalPutResult {
            try await Task.sleep(for: latency)
            return try await base.put(key, body, condition: condition)
        }
        func get(_ key: String) async throws -> JournalObject? { try await Task.sleep(for: latency); return try await base.get(key) }
        func list(prefix: String) async throws -> [String] { try await Task.sleep(for: latency); return try await base.list(prefix: prefix) }
        func delete(_ key: String) async throws { try await Task.sleep(for: latency); try await base.delete(key) }
    }

    static func residentKiB(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// One advanced item with two subtitles and a 50-part upload, as the stages record it (intents durable).
    static func item(_ id: String, _ checkpoint: Checkpoint, apiLatency: Duration, partLatency: Duration) async throws {
        try await checkpoint.record(id, .assets, .intent, op: "create", data: ["slug": .string(id + "-title")])
        try await Task.sleep(for: apiLatency)
        try await checkpoint.record(id, .assets, .done, data: ["asset_uid": .string("asse_" + String(repeating: "a", count: 32)),
                                                                "asset_url": .string("/api/assets/asse_\(id)/")], durable: false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for language in ["en-gb", "fr-fr"] {
                group.addTask {
                    for op in ["text_track", "document", "upload"] {
                        try await checkpoint.record(id, .documents, .intent, op: "\(op):\(language)", data: ["language": .string(language)])
                        try await Task.sleep(for: apiLatency)
                        try await checkpoint.record(id, .documents, .done, op: "\(op):\(language)", data: [
                            "language": .string(language), "\(op == "upload" ? "uploaded" : op + "_uid")": .string("uid_\(id)_\(op)"),
                        ], durable: false)
                    }
                }
            }
            try await group.waitForAll()
        }
        try await checkpoint.record(id, .documents, .done, durable: false)
        try await checkpoint.record(id, .transfer, .intent, op: "upload", data: ["bucket": .string("watch"), "key": .string(id + ".mp4")])
        try await checkpoint.record(id, .transfer, .intent, op: "upload_state", data: ["upload_state": .object([
            "uploadId": .string(String(repeating: "u", count: 40)), "partSize": .number(Double(8 << 20)), "fileSize": .number(Double(400 << 20)),
            "completedParts": .array([]),
        ])], durable: false)
        for part in 1...50 {
            try await Task.sleep(for: partLatency)
            try await checkpoint.record(id, .transfer, .intent, op: "upload_part", data: ["part": .object([
                "etag": .string(String(repeating: "e", count: 32)), "number": .number(Double(part)),
            ])], durable: false)
        }
        try await checkpoint.record(id, .transfer, .intent, op: "upload_state", data: ["upload_state": .null], durable: false)
        try await checkpoint.record(id, .transfer, .done, data: ["bucket": .string("watch"), "key": .string(id + ".mp4"),
                                                                  "etag": .string(String(repeating: "f", count: 32) + "-50"),
                                                                  "bytes": .number(Double(400 << 20))], durable: false)
    }

    @Test func oneShardOf500kItemsOver64Shards() async throws {
        let items = 500_000 / 64 + 1
        let inFlight = 64
        let storeLatency = Duration.milliseconds(10), apiLatency = Duration.milliseconds(5), partLatency = Duration.milliseconds(2)
        let memory = InMemoryJournalStore()
        let store = SlowStore(base: memory.view(as: "task"), latency: storeLatency)
        let layout = S3JournalLayout(bucket: "ckpt", prefix: "migration/", shard: try Shard(index: 7, count: 64))
        let header = JournalHeader(toolVersion: "sim", manifestPath: "m.yaml", manifestSHA256: "00", createdAt: "t", shard: "7/64")
        let rssBefore = Self.residentKiB("VmRSS")
        let opened = try await S3Journal.open(store: store, layout: layout, header: header)
        let checkpoint = Checkpoint(journal: opened.journal, state: opened.state)
        checkpoint.reserveCapacity(items)
        let started = ContinuousClock.now
        for index in 0..<items {
            try await checkpoint.record("item-\(index)", .validate, .done, data: ["definition": .string("0123456789abcdef")],
                                        durable: false)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            while next < min(inFlight, items) {
                let id = "item-\(next)"
                group.addTask { try await Self.item(id, checkpoint, apiLatency: apiLatency, partLatency: partLatency) }
                next += 1
            }
            while try await group.next() != nil {
                if next < items {
                    let id = "item-\(next)"
                    group.addTask { try await Self.item(id, checkpoint, apiLatency: apiLatency, partLatency: partLatency) }
                    next += 1
                }
            }
        }
        try await checkpoint.sync()
        let elapsed = ContinuousClock.now - started
        let run = memory.requestCounts
        let (appended, segments, bytes) = opened.journal.counters
        let state = checkpoint.snapshot
        let rssRun = Self.residentKiB("VmRSS")
        let heldByStore = memory.snapshot.values.reduce(0) { $0 + $1.body.count }
        let compactStarted = ContinuousClock.now
        let shouldCompact = JournalFile.shouldCompact(state)
        try await opened.journal.compact(state)
        let compactTime = ContinuousClock.now - compactStarted
        try await opened.journal.close()
        let afterCompaction = memory.snapshot.filter { $0.key.hasPrefix(layout.directory) }
        let replayStarted = ContinuousClock.now
        let replayed = try await S3Journal.replay(store: store, layout: layout)
        let replayTime = ContinuousClock.now - replayStarted
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("""
            SIMULATION one shard of 500,000 items / 64 shards: \(items) items, \(inFlight) in flight, store latency \(storeLatency), \
            API latency \(apiLatency), 50 parts at \(partLatency)
            records appended: \(appended) (\(appended / items) per item; durable intents: \(8 * items))
            segment PUTs: \(segments) in \(String(format: "%.1f", seconds)) s = \(String(format: "%.1f", Double(segments) / seconds)) PUT/s; \
            records per segment: \(appended / max(1, segments)); bytes PUT in segments: \(bytes) (\(bytes / items) per item)
            all requests during the run: PUT \(run.puts), GET \(run.gets), LIST \(run.lists), DELETE \(run.deletes), 412 \(run.preconditionFailures)
            compaction (worth it: \(shouldCompact)) in \(compactTime): objects left \(afterCompaction.count), bytes \
            \(afterCompaction.values.reduce(0) { $0 + $1.body.count }); replay after: \(replayed.objectsRead) objects, \
            \(replayed.bytesRead) bytes in \(replayTime)
            RSS: \(rssBefore) KiB before, \(rssRun) KiB after the run (state of \(state.items.count) items; the fake store holds \(heldByStore / 1024) KiB of it), peak \(Self.residentKiB("VmHWM")) KiB
            """)
        #expect(replayed.state.items.count == items)
    }
}
