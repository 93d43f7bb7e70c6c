import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

@Suite(.offThePool) struct JournalFileTests {
    let header = JournalHeader(toolVersion: "test", manifestPath: "m.yaml", manifestSHA256: "00", createdAt: "t")

    func entry(_ item: String, _ n: Int) -> JournalEntry {
        JournalEntry(item: item, stage: .assets, event: .done, data: ["asset_uid": .string("asse_\(n)")])
    }

    @Test func durableAppendIsOnDiskWhenItReturns() async throws {
        let dir = try TempDirectory(prefix: "journal")
        defer { dir.remove() }
        let path = dir.path("c")
        let opened = try JournalFile.open(path: path, header: header)
        try await opened.journal.append(entry("a", 1), durable: true)
        // Read the file behind the writer's back: the record must be there already.
        let replay = try JournalFile.read(path: path)
        #expect(replay.state.item("a").assetUID == "asse_1")
        opened.journal.abandon()
    }

    @Test func groupCommitWritesLazyAppendsWithinTheFlushInterval() async throws {
        let dir = try TempDirectory(prefix: "journal")
        defer { dir.remove() }
        let path = dir.path("c")
        let opened = try JournalFile.open(path: path, header: header)
        for n in 0..<1000 { try opened.journal.appendLater(entry("i\(n)", n)) }
        try await opened.journal.sync()
        #expect(try JournalFile.read(path: path).state.items.count == 1000)
        try await opened.journal.close()
    }

    @Test func aJournalLargerThanTheReadChunkReplaysEveryRecordAcrossTheChunkBoundaries() async throws {
        let dir = try TempDirectory(prefix: "journal")
        defer { dir.remove() }
        let path = dir.path("c")
        let opened = try JournalFile.open(path: path, header: header)
        var expected = JournalState()
        // Records of varying length, about 10 MB in all: lines straddle the 4 MiB read chunks.
        for n in 0..<40_000 {
            var record = JournalEntry(item: "i\(n % 5_000)", stage: .transfer, event: .done, op: "upload_state",
                                      data: ["key": .string(String(repeating: "k", count: n % 397)), "bytes": .number(Double(n))])
            record.seq = try opened.journal.appendLater(record)
            expected.apply(record)
        }
        try await opened.journal.close()
        #expect(fileSize(path) > 2 * (1 << 22))
        let replayed = try JournalFile.read(path: path)
        #expect(replayed.tornTail == nil)
        #expect(replayed.state.entryCount == 40_000)
        #expect(replayed.state.items.count == 5_000)
        for n in stride(from: 0, to: 5_000, by: 7) {
            let state = replayed.state.item("i\(n)")
            #expect(state.key == expected.item("i\(n)").key && state.bytes == expected.item("i\(n)").bytes)
        }
    }

    private func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    @Test func secondOpenIsRefusedWhileLocked() async throws {
        let dir = try TempDirectory(prefix: "journal")
        defer { dir.remove() }
        let path = dir.path("c")
        let first = try JournalFile.open(path: path, header: header)
        do {
            _ = try JournalFile.open(path: path, header: header)
            Issue.record("second open should fail")
        } catch let error as IngestError {
            #expect(error.code == .checkpointLocked)
        }
        try await first.journal.close()
        let again = try JournalFile.open(path: path, header: header)
        try await again.journal.close()
    }

    @Test func tornTailIsRepairedKeepingABrokenCopyAndAppendingWorksAfter() async throws {
        let dir = try TempDirectory(prefix: "journal")
        defer { dir.remove() }
        let path = dir.path("c")
        let opened = try JournalFile.open(path: path, header: header)
        for n in 0..<3 { try await opened.journal.append(entry("i\(n)", n), durable: true) }
        try await opened.journal.close()
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let lastLineStart = full.dropLast().lastIndex(of: 0x0A)! + 1
        for cut in [lastLineStart + 1, lastLineStart + 20, full.count - 1] {
            try full.prefix(cut).write(to: URL(fileURLWithPath: path))
            let reopened = try JournalFile.open(path: path, header: header)
            #expect(reopened.warnings.count == 1)
            #expect(reopened.state.items.count == 2)
            #expect(FileManager.default.fileExists(atPath: path + ".broken"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path + ".broken")).count == cut)
            try await reopened.journal.append(entry("after", 9), durable: true)
            try await reopened.journal.close()
            let replay = try JournalFile.read(path: path)
            #expect(replay.tornTail == nil)
            #expect(replay.state.item("after").assetUID == "asse_9")
            #expect(replay.state.items.count == 3)
        }
    }

    @Test func corruptionInTheMiddleIsAnErrorNotARepair() async throws {
        let dir = try TempDirectory(prefix: "journal")
        defer { dir.remove() }
        let path = dir.path("c")
        let opened = try JournalFile.open(path: path, header: header)
        for n in 0..<5 { try await opened.journal.append(entry("i\(n)", n), durable: true) }
        try await opened.journal.close()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let lines = bytes.indices.filter { bytes[$0] == 0x0A }
        bytes[lines[1] + 5] ^= 0x20  // third line
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            _ = try JournalFile.open(path: path, header: header)
            Issue.record("expected CHECKPOINT_CORRUPT")
        } catch let error as IngestError {
            #expect(error.code == .checkpointCorrupt)
            #expect(error.message.contains(":3:"))
        }
        #expect(!FileManager.default.fileExists(atPath: path + ".broken"))
    }

    @Test func compactionKeepsTheStateAndShrinksTheFile() async throws {
        let dir = try TempDirectory(prefix: "journal")
        defer { dir.remove() }
        let path = dir.path("c")
        let opened = try JournalFile.open(path: path, header: header)
        let checkpoint = Checkpoint(journal: opened.journal, state: opened.state)
        for n in 0..<50 {
            try await checkpoint.record("i\(n)", .assets, .intent, op: "create", durable: false)
            for k in 0..<10 {
                try await checkpoint.record("i\(n)", .transfer, .done, op: "upload_state",
                                            data: ["upload_state": .object(["parts": .number(Double(k))])], durable: false)
            }
            try await checkpoint.record("i\(n)", .assets, .done, data: ["asset_uid": .string("u\(n)")], durable: false)
        }
        try await checkpoint.sync()
        let before = checkpoint.snapshot
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        try await opened.journal.compact(before)
        try await opened.journal.append(JournalEntry(item: "late", stage: .assets, event: .done), durable: true)
        try await opened.journal.close()
        let sizeAfter = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(sizeAfter < sizeBefore / 3)
        let replayed = try JournalFile.read(path: path).state
        for n in 0..<50 { #expect(replayed.item("i\(n)") == before.item("i\(n)")) }
        #expect(replayed.item("late").assets.status == .done)
    }
}
