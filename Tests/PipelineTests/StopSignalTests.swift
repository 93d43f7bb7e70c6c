import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// A stop is awaitable: a wait (an earlier run's writes settling) ends as soon as it is requested, without polling.
/// The bounds are generous (half of a 600 s wait): they tell an ended wait from one that ran out.
@Suite struct StopSignalTests {
    /// Far longer than any stall of the test process: the suite's start can keep the cooperative pool busy for
    /// ~30 s (docs/testing.md), and these tests must tell "ended by the stop" from "ran its course".
    static let long: Duration = .seconds(600)

    @Test func aStopEndsASleepAtOnce() async {
        let stop = StopSignal()
        let started = ContinuousClock.now
        async let stopped = stop.sleep(until: .now + Self.long)
        try? await Task.sleep(for: .milliseconds(50))
        stop.request()
        #expect(await stopped)
        #expect(ContinuousClock.now - started < Self.long / 2)
    }

    @Test func aSleepAfterAStopReturnsAtOnceAndOneWithoutAStopRunsOut() async {
        let stop = StopSignal()
        #expect(await stop.sleep(until: .now + .milliseconds(20)) == false)
        stop.request()
        let started = ContinuousClock.now
        #expect(await stop.sleep(until: .now + Self.long))
        await stop.wait()
        #expect(ContinuousClock.now - started < Self.long / 2)
    }

    @Test func everyWaiterIsWokenByOneStop() async {
        let stop = StopSignal()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { await stop.wait() } }
            try? await Task.sleep(for: .milliseconds(20))
            stop.request()
        }
        #expect(stop.isRequested)
    }

    @Test func cancellingAWaitEndsItWithoutAStop() async {
        let stop = StopSignal()
        let started = ContinuousClock.now
        let waiting = Task { await stop.sleep(until: .now + Self.long) }
        try? await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        #expect(await waiting.value == false)
        #expect(ContinuousClock.now - started < Self.long / 2)
    }

    /// The runner's wait for a dead run's writes (an open intent, a 600 s settle) ends with the stop: the run
    /// returns interrupted, nothing sent.
    @Test func aStopDuringTheWaitForAnEarlierRunsWritesEndsTheRunPromptly() async throws {
        let fixture = try Fixture(advanced: 0, simple: 1)
        defer { fixture.directory.remove() }
        let asset = fixture.assets[0]
        _ = try await fixture.run(stages: [.validate])
        try await fixture.recordOpenIntent(asset.id, .transfer, op: "upload")
        let stop = StopSignal()
        let started = ContinuousClock.now
        async let run = fixture.run(stages: [.transfer], settle: Self.long, stop: stop)
        try await Task.sleep(for: .milliseconds(300))
        stop.request()
        let (result, state) = try await run
        #expect(ContinuousClock.now - started < Self.long / 2, "the stop did not end the wait")
        #expect(result.interrupted)
        #expect(await fixture.store.writeCount == 0)
        #expect(state.item(asset.id).transfer.openIntents == ["upload"], "the intent stays open for the next run")
    }
}
