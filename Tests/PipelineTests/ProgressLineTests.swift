import Foundation
import IngestCore
import Pipeline
import Testing

@Suite struct ProgressLineTests {
    /// A run of 6 items part way: stages busy, bytes sent, rate and ETA known.
    func snapshot(finished: Int, failed: Int, sent: Int64) -> ProgressSnapshot {
        ProgressSnapshot(total: 6, counts: RunSummaryLine.Counts(succeeded: finished - failed, failed: failed),
                         stageDone: [.assets: 6, .documents: 5, .transfer: finished, .confirm: 0],
                         stageActive: [.documents: 1, .transfer: 6 - finished], bytesSent: sent,
                         totalBytes: 3 * 1024 * 1024 * 1024, bytesPerSecond: 48 * 1024 * 1024,
                         elapsed: .seconds(31), eta: .seconds(75))
    }

    @Test(arguments: [80, 200])
    func theLineFitsTheWidthAndHoldsNoControlCharacter(width: Int) {
        for finished in 0...6 {
            let line = ProgressLine.render(snapshot(finished: finished, failed: min(finished, 1), sent: Int64(finished) << 29),
                                           width: width)
            #expect(line.count <= width, "\(line.count) > \(width): \(line)")
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(line)")
        }
    }

    @Test func aWideTerminalShowsEveryStageAndANarrowOneCutsWithAnEllipsis() {
        let wide = ProgressLine.render(snapshot(finished: 4, failed: 1, sent: 1 << 30), width: 200)
        #expect(wide.hasPrefix("[4/6] assets 6+0 documents 5+1 transfer 4+2 confirm 0+0 | 1.0 GiB/3.0 GiB 48.0 MiB/s"))
        #expect(wide.contains("1 failed") && wide.contains("ETA 1m15s"))
        let at80 = ProgressLine.render(snapshot(finished: 4, failed: 1, sent: 1 << 30), width: 80)
        #expect(at80.hasPrefix("[4/6]") && at80.contains("1 failed"), "\(at80)")
        let narrow = ProgressLine.render(snapshot(finished: 4, failed: 1, sent: 1 << 30), width: 20)
        #expect(narrow.count == 20 && narrow.hasSuffix("…"), "\(narrow)")
    }

    @Test(arguments: [80, 200])
    func countsShownOnlyEverGrowAsTheRunGoesOn(width: Int) throws {
        var lastFinished = -1, lastFailed = -1
        for (finished, failed) in [(0, 0), (1, 0), (2, 1), (3, 1), (5, 1), (6, 2)] {
            let line = ProgressLine.render(snapshot(finished: finished, failed: failed, sent: Int64(finished) << 28), width: width)
            let shownFinished = try #require(Int(line.dropFirst().prefix { $0 != "/" }))
            let failedPart = try #require(line.split(separator: "|").first { $0.contains("failed") })
            let shownFailed = try #require(Int(failedPart.trimmingCharacters(in: .whitespaces).prefix { $0 != " " }))
            #expect(shownFinished >= lastFinished && shownFailed >= lastFailed, "\(line)")
            lastFinished = shownFinished
            lastFailed = shownFailed
        }
    }

    @Test func theRateIsTheLastTenSecondsNotTheWholeRun() {
        let start = ContinuousClock.now
        var window = RateWindow(span: .seconds(10))
        // 100 MB in the first 10 s, then nothing for 20 s: the recent rate is 0, not 100 MB / 30 s.
        for second in 0...10 { window.record(Double(second) * 10_000_000, at: start + .seconds(second)) }
        #expect(abs((window.perSecond(at: start + .seconds(10)) ?? 0) - 10_000_000) < 1)
        for second in 11...30 { window.record(100_000_000, at: start + .seconds(second)) }
        #expect(window.perSecond(at: start + .seconds(30)) ?? -1 < 1_000_000)
    }
}
