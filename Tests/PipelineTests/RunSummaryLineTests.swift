import IngestCore
import Pipeline
import Testing

/// Issue 14: an interrupted run printed `12/12 items finished — 3 succeeded, 0 failed, 9 pending`.
/// Pending items are not finished, and the line says so.
@Suite struct RunSummaryLineTests {
    @Test func interruptedRunCountsOnlyEndedItemsAsFinishedAndSaysHowToResume() {
        // What the console counted for the run: 3 succeeded, 9 stopped part way (pending).
        let counts = RunSummaryLine.Counts([.succeeded: 3, .pending: 9])
        let line = RunSummaryLine.text(total: 12, counts: counts, interrupted: true, sent: "1.0 MiB", elapsed: "4.0s")
        #expect(line == "summary: 3 of 12 items finished (3 succeeded, 0 failed); 9 not started or interrupted"
                + " — run the same command again to resume; 1.0 MiB sent in 4.0s")
        #expect(!line.contains("12/12"))
        #expect(!line.contains("12 of 12"))
    }

    @Test func itemsNeverStartedAreNotFinishedEither() {
        // Items the runner never started send no event at all: the total tells them apart.
        let line = RunSummaryLine.text(total: 12, counts: .init(succeeded: 2, failed: 1), interrupted: true,
                                       sent: "0 B", elapsed: "1.0s")
        #expect(line.hasPrefix("summary: 3 of 12 items finished (2 succeeded, 1 failed); 9 not started or interrupted"))
    }

    @Test func completedRunSaysEveryItemFinished() {
        let line = RunSummaryLine.text(total: 4, counts: .init(succeeded: 3, failed: 1), interrupted: false,
                                       sent: "2.0 KiB", elapsed: "0.5s")
        #expect(line == "summary: 4 of 4 items finished (3 succeeded, 1 failed); 2.0 KiB sent in 0.5s")
    }

    @Test func runningSummaryCountsWhatIsLeftWithoutClaimingAnInterruption() {
        let line = RunSummaryLine.text(total: 10, counts: .init(succeeded: 4), interrupted: nil, sent: "0 B", elapsed: "10.0s")
        #expect(line == "summary: 4 of 10 items finished (4 succeeded, 0 failed); 6 to go; 0 B sent in 10.0s")
    }

    @Test func runOfPartialStagesNamesWhyItemsArePending() {
        let line = RunSummaryLine.text(total: 2, counts: .init([.pending: 2]), interrupted: false, sent: "0 B", elapsed: "0.1s")
        #expect(line == "summary: 0 of 2 items finished (0 succeeded, 0 failed); 2 not finished (a later stage was not requested); 0 B sent in 0.1s")
    }

    @Test func skippedItemsAreShownAndCountAsFinished() {
        let line = RunSummaryLine.text(total: 1, counts: .init(skipped: 1), interrupted: false, sent: "0 B", elapsed: "0.0s")
        #expect(line == "summary: 1 of 1 item finished (0 succeeded, 0 failed, 1 skipped); 0 B sent in 0.0s")
    }
}
