import IngestCore

/// The run's one-line summary (`summary: …`), printed every 10 s without a TTY and once at the end.
/// Pure. Only items that reached an end this run (succeeded, failed, or skipped: nothing to do) count
/// as finished; an item that is pending — not started, stopped part way, or waiting for a stage the
/// run did not request — never does.
public enum RunSummaryLine {
    /// Item counts by outcome, as the run's `itemFinished` events reported them.
    public struct Counts: Sendable, Hashable {
        public var succeeded = 0
        public var failed = 0
        public var skipped = 0

        public init(succeeded: Int = 0, failed: Int = 0, skipped: Int = 0) {
            self.succeeded = succeeded
            self.failed = failed
            self.skipped = skipped
        }

        /// Counts from outcomes per item (`pending` is not counted: it is not an end).
        public init(_ outcomes: [ItemOutcome: Int]) {
            self.init(succeeded: outcomes[.succeeded] ?? 0, failed: outcomes[.failed] ?? 0,
                      skipped: outcomes[.skipped] ?? 0)
        }

        /// Items that reached an end.
        public var finished: Int { succeeded + failed + skipped }
    }

    /// `summary: 3 of 12 items finished (3 succeeded, 0 failed); 9 not finished — …; 1.2 MiB sent in 4.0s`.
    ///
    /// - Parameters:
    ///   - total: the items of this run.
    ///   - interrupted: nil while the run goes on; at the end, whether it was stopped (then the items
    ///     not finished are the ones to resume, and the line says how).
    ///   - sent: the bytes sent, already formatted; `elapsed` likewise.
    public static func text(total: Int, counts: Counts, interrupted: Bool?, sent: String, elapsed: String) -> String {
        let finished = min(counts.finished, total)
        let unfinished = max(0, total - counts.finished)
        var line = "summary: \(finished) of \(total) item\(total == 1 ? "" : "s") finished "
            + "(\(counts.succeeded) succeeded, \(counts.failed) failed"
            + (counts.skipped > 0 ? ", \(counts.skipped) skipped)" : ")")
        if unfinished > 0 {
            switch interrupted {
            case nil: line += "; \(unfinished) to go"
            case true?: line += "; \(unfinished) not started or interrupted — run the same command again to resume"
            case false?: line += "; \(unfinished) not finished (a later stage was not requested)"
            }
        }
        return line + "; \(sent) sent in \(elapsed)"
    }
}
