import IngestCore
@testable import Pipeline
import IngestTestSupport
import Testing

/// Issue 12: one view over the journals of a migration run as shards (`ShardMerge`).
@Suite(.offThePool) struct ShardMergeTests {
    let assets = ShardJournals.assets(30)

    func owned(_ index: Int, of count: Int = 3) -> [String] { ShardJournals.owned(assets, index: index, count: count) }

    func code(_ body: () throws -> Void) -> String? {
        do { try body() } catch { return IngestError.from(error).code.rawValue }
        return nil
    }

    @Test func eachItemIsReadFromTheJournalOfTheShardThatOwnsIt() throws {
        let journals = try (1...3).map { index in
            try ShardJournals.journal("\(index)/3", owned(index).enumerated().map { ($1, $0 == 0 ? .failed : .done) })
        }
        let merged = try ShardMerge.merge(journals, location: "m.yaml.shard-*-of-*.checkpoint")
        #expect(merged.warnings.isEmpty && merged.missing.isEmpty)
        #expect(merged.shards.count == 3)
        for index in 1...3 {
            for (offset, id) in owned(index).enumerated() {
                #expect(merged.shards.owner(of: id) == index - 1)
                #expect(merged.shards.item(id).transfer.status == (offset == 0 ? .failed : .done), "\(id)")
            }
        }
    }

    @Test func aShardWithoutACheckpointLeavesItsItemsPendingAndIsListedAsMissing() throws {
        let journals = try [1, 3].map { index in try ShardJournals.journal("\(index)/3", owned(index).map { ($0, .done) }) }
        let merged = try ShardMerge.merge(journals, location: "here")
        #expect(merged.missing == ["2/3"])
        #expect(merged.shards.slots[1].location == nil && merged.shards.slots[1].label == "2/3")
        for id in owned(2) { #expect(merged.shards.item(id).transfer.status == .pending) }
        for id in owned(3) { #expect(merged.shards.item(id).transfer.status == .done) }
    }

    @Test func journalsWithRecordsOfDifferentShardCountsAreRefusedNamingBoth() throws {
        let three = try ShardJournals.journal("1/3", owned(1).map { ($0, .done) })
        let four = try ShardJournals.journal("2/4", ShardJournals.owned(assets, index: 2, count: 4).map { ($0, .done) })
        var message = ""
        do { _ = try ShardMerge.merge([three, four], location: "dir") } catch {
            let ingest = IngestError.from(error)
            #expect(ingest.code == .checkpointShardCounts)
            #expect(ingest.hint?.contains("shard count is fixed") == true)
            message = ingest.message
        }
        #expect(message.contains("3 shards") && message.contains("4 shards") && message.contains(three.location), "\(message)")
    }

    @Test func anEmptyJournalOfAnotherShardCountIsIgnoredWithAWarning() throws {
        let three = try (1...3).map { try ShardJournals.journal("\($0)/3", owned($0).map { ($0, .done) }) }
        let stray = try ShardJournals.journal("1/4", [])
        let merged = try ShardMerge.merge(three + [stray], location: "dir")
        #expect(merged.shards.count == 3 && merged.missing.isEmpty)
        #expect(merged.warnings.count == 1 && merged.warnings[0].contains(stray.location), "\(merged.warnings)")
    }

    @Test func twoJournalsWithRecordsClaimingOneShardAreRefused() throws {
        let first = try ShardJournals.journal("2/3", owned(2).map { ($0, .done) }, location: "a/m.yaml.shard-2-of-3.checkpoint")
        let second = try ShardJournals.journal("2/3", owned(2).prefix(1).map { ($0, .failed) }, location: "b.checkpoint")
        #expect(code { _ = try ShardMerge.merge([first, second], location: "dir") } == "CHECKPOINT_SHARD_DUPLICATE")
    }

    @Test func aDuplicateJournalWithoutRecordsIsIgnoredWithAWarning() throws {
        let real = try ShardJournals.journal("2/3", owned(2).map { ($0, .done) }, location: "real.checkpoint")
        let empty = try ShardJournals.journal("2/3", [], location: "empty.checkpoint")
        let merged = try ShardMerge.merge([empty, real], location: "dir")
        #expect(merged.shards.slots[1].location == "real.checkpoint")
        #expect(merged.warnings.count == 1 && merged.warnings[0].hasPrefix("empty.checkpoint"), "\(merged.warnings)")
    }

    @Test func aWholeManifestJournalWithRecordsBesideShardJournalsIsRefused() throws {
        let shard = try ShardJournals.journal("1/3", owned(1).map { ($0, .done) })
        let whole = try ShardJournals.journal(nil, [("item-0", .done)], location: "m.yaml.checkpoint")
        #expect(code { _ = try ShardMerge.merge([shard, whole], location: "dir") } == "CHECKPOINT_SHARD_MIXED")
        let emptyWhole = try ShardJournals.journal(nil, [], location: "old.checkpoint")
        let merged = try ShardMerge.merge([shard, emptyWhole], location: "dir")
        #expect(merged.warnings.count == 1 && merged.warnings[0].contains("old.checkpoint"))
        #expect(merged.missing == ["2/3", "3/3"])
    }

    @Test func wholeManifestJournalsAloneMakeOneShard() throws {
        let whole = try ShardJournals.journal(nil, assets.map { ($0.id, .done) }, location: "m.yaml.checkpoint")
        let merged = try ShardMerge.merge([whole], location: "dir")
        #expect(merged.shards.count == 1 && merged.shards.slots[0].label == "1/1")
        #expect(assets.allSatisfy { merged.shards.item($0.id).transfer.status == .done })
    }

    @Test func itemsRecordedByAShardThatDoesNotOwnThemAreIgnoredWithAWarning() throws {
        let foreign = owned(2)[0]
        // Shard 1 recorded shard 2's item as failed (e.g. a checkpoint from before ids were hashed); shard 2 did it.
        let one = try ShardJournals.journal("1/3", owned(1).map { ($0, .done) } + [(foreign, .failed)])
        let two = try ShardJournals.journal("2/3", owned(2).map { ($0, .done) })
        let merged = try ShardMerge.merge([one, two], location: "dir")
        #expect(merged.shards.item(foreign).transfer.status == .done)
        #expect(merged.warnings.count == 1, "\(merged.warnings)")
        #expect(merged.warnings.first?.contains("1 recorded item(s) belong to other shards") == true)
        #expect(merged.warnings.first?.contains(foreign) == true && merged.warnings.first?.hasPrefix(one.location) == true)
    }

    @Test func aTornTailInAShardJournalIsAWarningAndItsValidRecordsCount() throws {
        var journal = try ShardJournals.journal("1/3", owned(1).map { ($0, .done) })
        var bytes = JournalCodec.encode(.header(JournalHeader(toolVersion: "t", manifestPath: "m", manifestSHA256: "",
                                                              createdAt: "", shard: "1/3")))
        bytes += JournalCodec.encode(.entry(JournalEntry(seq: 1, item: owned(1)[0], stage: .transfer, event: .done, at: "x")))
        bytes += Array(#"{"seq":2,"item":"#.utf8)
        journal.replay = try JournalReplay.replay(bytes, path: journal.location)
        let merged = try ShardMerge.merge([journal], location: "dir")
        #expect(merged.warnings.count == 1 && merged.warnings[0].contains("torn"), "\(merged.warnings)")
        #expect(merged.shards.item(owned(1)[0]).transfer.status == .done)
    }

    @Test func aHeaderWithAShardThatIsNotINIsCorrupt() throws {
        let bad = try ShardJournals.journal("three", [])
        #expect(code { _ = try ShardMerge.merge([bad], location: "dir") } == "CHECKPOINT_CORRUPT")
    }

    @Test func noJournalAtAllIsNotFound() {
        #expect(code { _ = try ShardMerge.merge([], location: "s3://b/p/") } == "CHECKPOINT_NOT_FOUND")
    }

    @Test func replayKeepsTheLatestRecordTimeAsTheLastActivity() throws {
        let journal = try ShardJournals.journal("1/3", owned(1).map { ($0, .done) })
        let last = owned(1).count - 1
        #expect(journal.replay.state.lastActivity == "2025-01-01T00:00:\(last < 10 ? "0" : "")\(last).000Z")
        #expect(try ShardJournals.journal("1/3", []).replay.state.lastActivity == nil)
    }
}
