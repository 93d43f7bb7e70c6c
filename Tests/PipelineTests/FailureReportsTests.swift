import Foundation
import IngestCore
@testable import Pipeline
import Testing

/// Reports rewritten during a run once items fail.
@Suite struct FailureReportsTests {
    /// Polls `condition` every 10 ms for up to `seconds`.
    private func eventually(_ seconds: Double = 5, _ condition: () -> Bool) async -> Bool {
        for _ in 0..<Int(seconds * 100) {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func aFailedItemIsWrittenSoonWithItsErrorAndOtherEventsWriteNothing() async {
        let written = Locked<[[String: IngestError]]>([])
        let reports = FailureReports(settle: .milliseconds(20), interval: .milliseconds(40)) { failures in
            written.withLock { $0.append(failures) }
        }
        reports.start()
        reports.record(PipelineEvent(kind: .itemFinished, item: "ok", outcome: .succeeded))
        reports.record(PipelineEvent(kind: .stageFailed, item: "retrying", stage: .assets,
                                     error: IngestError(code: ErrorCode(rawValue: "SKYLARK_HTTP_500"), message: "x")))
        try? await Task.sleep(for: .milliseconds(120))
        #expect(written.withLock { $0.isEmpty })
        let error = IngestError(code: .skylarkAssetNotFound, item: "bad", stage: .assets, message: "no such asset")
        reports.record(PipelineEvent(kind: .itemFinished, item: "bad", outcome: .failed, error: error))
        #expect(await eventually { written.withLock { $0.count } == 1 })
        #expect(written.withLock { $0.first?["bad"]?.code } == .skylarkAssetNotFound)
        await reports.finish()
        #expect(reports.failures.keys.sorted() == ["bad"])
    }

    @Test func aBurstOfFailuresIsOneWriteAndLaterFailuresWaitForTheInterval() async {
        let written = Locked<[Int]>([])
        let reports = FailureReports(settle: .milliseconds(50), interval: .milliseconds(400)) { failures in
            written.withLock { $0.append(failures.count) }
        }
        reports.start()
        for n in 0..<20 {
            reports.record(PipelineEvent(kind: .itemFinished, item: "f\(n)", outcome: .failed))
        }
        #expect(await eventually { written.withLock { $0.count } == 1 })
        reports.record(PipelineEvent(kind: .itemFinished, item: "late", outcome: .failed))
        try? await Task.sleep(for: .milliseconds(100))
        #expect(written.withLock { $0 } == [20], "the next write waits for the interval")
        #expect(await eventually { written.withLock { $0.count } == 2 })
        #expect(written.withLock { $0 } == [20, 21])
        await reports.finish()
    }

    @Test func finishWaitsForAWriteInProgress() async {
        let state = Locked((started: false, finished: false))
        let reports = FailureReports(settle: .milliseconds(10), interval: .milliseconds(10)) { _ in
            state.withLock { $0.started = true }
            Thread.sleep(forTimeInterval: 0.3)
            state.withLock { $0.finished = true }
        }
        reports.start()
        reports.record(PipelineEvent(kind: .itemFinished, item: "bad", outcome: .failed))
        #expect(await eventually { state.withLock { $0.started } })
        await reports.finish()
        #expect(state.withLock { $0.finished })
    }

    @Test func finishStartsNoWriteForFailuresNotYetWritten() async {
        let written = Locked(0)
        let reports = FailureReports(settle: .seconds(5), interval: .seconds(5)) { _ in written.withLock { $0 += 1 } }
        reports.start()
        reports.record(PipelineEvent(kind: .itemFinished, item: "bad", outcome: .failed))
        await reports.finish()
        try? await Task.sleep(for: .milliseconds(50))
        #expect(written.withLock { $0 } == 0, "the run's final report follows; no write of its own")
        #expect(reports.failures.keys.sorted() == ["bad"])
    }
}
