import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// Reports as a bulk-upload log: per item the title, the source file, start and end times from the journal,
/// bytes and duration; totals over the run; the shard of each row only in reports merged over shards.
@Suite struct ReportTimesTests {
    @Test func itemsCarryTitleSourceAndTheirJournalTimes() {
        let report = ReportTests.sampleReport()
        let ok = report.items[0]
        #expect(ok.title == "OK" && ok.source == "a.mp4")
        #expect(ok.startedAt == "2026-11-25T14:00:01.500Z", "the first record")
        #expect(ok.endedAt == "2026-11-25T14:00:09.000Z", "the last record")
        #expect(ok.durationMS == 7500 && ok.bytes == 1234)
        let failed = report.items[1]
        #expect(failed.startedAt == "2026-11-25T14:00:10.500Z" && failed.endedAt == failed.startedAt && failed.durationMS == 0)
        let pending = report.items[2]
        #expect(pending.startedAt == nil && pending.endedAt == nil && pending.durationMS == nil)
        #expect(report.totals == {
            var totals = ReportTotals()
            totals.bytes = 1234
            totals.startedAt = "2026-11-25T14:00:01.500Z"
            totals.endedAt = "2026-11-25T14:00:10.500Z"
            totals.durationMS = 9000
            return totals
        }())
    }

    @Test func aPendingItemShowsWhenItStartedButNoEnd() {
        var state = JournalState()
        state.apply(JournalEntry(item: "ok-1", stage: .assets, event: .intent, op: "create", at: "2026-11-25T14:00:00.000Z"))
        let (assets, _, context) = ReportTests.sampleInputs()
        let item = ReportSource(assets: assets, state: state, context: context).item(0)
        #expect(item.status == .pending)
        #expect(item.startedAt == "2026-11-25T14:00:00.000Z" && item.endedAt == nil && item.durationMS == nil)
    }

    @Test func journalTimesSurviveCompactionAndTheDirectReplay() throws {
        let (_, state, _) = ReportTests.sampleInputs()
        let before = state.item("ok-1")
        var summary = before.summaryEntry()
        summary.seq = 1
        summary.at = "2030-01-01T00:00:00.000Z"  // compaction time: not an item time
        let lines = JournalCodec.encode(.header(JournalHeader(toolVersion: "t", manifestPath: "m", manifestSHA256: "", createdAt: "")))
            + JournalCodec.encode(.entry(summary))
            + JournalCodec.encode(.entry(JournalEntry(seq: 2, item: "ok-1", stage: .confirm, event: .done,
                                                      at: "2026-11-25T14:01:00.000Z")))
        let replayed = try JournalReplay.replay(lines).state.item("ok-1")
        #expect(replayed.startedAt == before.startedAt && before.startedAt > 0)
        #expect(replayed.endedAt == JournalTime.milliseconds("2026-11-25T14:01:00.000Z"), "a later record widens the span")
        // The generic path (a dictionary per line) agrees with the direct one.
        var generic = ItemState(id: "ok-1")
        generic.apply(summary)
        #expect(generic.startedAt == before.startedAt && generic.endedAt == before.endedAt)
    }

    @Test func aSingleRunsReportsHaveNoShardColumnAndAMergedReportNamesTheShardOfEveryRow() throws {
        let (assets, state, context) = ReportTests.sampleInputs()
        let single = try TempDirectory(prefix: "report-single")
        let merged = try TempDirectory(prefix: "report-merged")
        defer { single.remove(); merged.remove() }
        try ReportWriter.write(ReportSource(assets: assets, state: state, context: context), to: single.url.path)
        let shards = ["ok-1": "1/2", "bad,\"2\"": "2/2", "simple-3": "1/2", "other-4": "2/2"]
        try ReportWriter.write(ReportSource(assets: assets, state: state, context: context, shards: shards), to: merged.url.path)

        let singleCSV = try String(contentsOfFile: single.path("report.csv"), encoding: .utf8)
        #expect(!singleCSV.contains("shard"))
        #expect(!(try String(contentsOfFile: single.path("junit.xml"), encoding: .utf8)).contains("shard"))
        #expect(!(try String(contentsOfFile: single.path("report.json"), encoding: .utf8)).contains("shard"))
        let header = try #require(singleCSV.split(separator: "\r\n").first)
        #expect(header.hasSuffix(",hint,title,source,asset_adopted,started_at,ended_at,duration_ms"))

        let mergedCSV = try String(contentsOfFile: merged.path("report.csv"), encoding: .utf8).split(separator: "\r\n")
        #expect(mergedCSV[0].hasSuffix(",duration_ms,shard"))
        #expect(mergedCSV[1].hasSuffix(",1/2") && mergedCSV[2].hasSuffix(",2/2"))
        #expect(try String(contentsOfFile: merged.path("junit.xml"), encoding: .utf8)
            .contains("<property name=\"shard\" value=\"2/2\"/>"))
        let summary = try String(contentsOfFile: merged.path("summary.md"), encoding: .utf8)
        #expect(summary.contains("| hint | shard |") && summary.contains("| 2/2 |"))
        #expect(try String(contentsOfFile: merged.path("report.json"), encoding: .utf8).contains("\"shard\" : \"1/2\""))
    }

    @Test func everyReportShowsTheTotals() throws {
        let dir = try TempDirectory(prefix: "report-totals")
        defer { dir.remove() }
        try ReportWriter.write(ReportTests.sampleReport(), to: dir.url.path)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.url.appendingPathComponent("report.json"))) as? [String: Any]
        let totals = try #require(json?["totals"] as? [String: Any])
        #expect(totals["bytes"] as? Int == 1234 && totals["duration_ms"] as? Int == 9000)
        let junit = try String(contentsOfFile: dir.path("junit.xml"), encoding: .utf8)
        #expect(junit.contains(" time=\"9.000\"") && junit.contains("<property name=\"bytes\" value=\"1234\"/>"))
        #expect(junit.contains("name=\"ok-1\" time=\"7.500\""))
        let summary = try String(contentsOfFile: dir.path("summary.md"), encoding: .utf8)
        #expect(summary.contains("Video bytes uploaded: 1234 (1.2 KiB)") && summary.contains("Wall time: 9.0s"))
    }
}
