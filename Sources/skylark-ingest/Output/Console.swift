import Foundation
import IngestCore
import Pipeline

/// Run output: on a TTY a live progress line (items per stage, bytes, rate, ETA) on stderr; without
/// a TTY or with `--no-progress` one plain line per item event and a summary line every 10 s.
/// `NO_COLOR` turns colour off.
final class Console: Sendable {
    private struct Counters {
        var finished: [ItemOutcome: Int] = [:]
        var stageDone: [Stage: Int] = [:]
        var stageActive: [Stage: Int] = [:]
        var bytes: Int64 = 0
        var lastSummary = ContinuousClock.now
        var lastDraw = ContinuousClock.now
        var lineShown = false
    }

    private let live: Bool
    private let color: Bool
    private let total: Int
    private let totalBytes: Int64
    private let started = ContinuousClock.now
    private let counters = LockedCounters()

    init(total: Int, totalBytes: Int64, noProgress: Bool) {
        live = !noProgress && isatty(STDERR_FILENO) == 1
        color = ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true && isatty(STDERR_FILENO) == 1
        self.total = total
        self.totalBytes = totalBytes
    }

    /// Handles one pipeline event.
    func handle(_ event: PipelineEvent) {
        var lines: [String] = []
        var draw = false
        counters.update { c in
            switch event.kind {
            case .stageStarted: if let s = event.stage { c.stageActive[s, default: 0] += 1 }
            case .stageSucceeded:
                if let s = event.stage { c.stageActive[s, default: 1] -= 1; c.stageDone[s, default: 0] += 1 }
                if !live { lines.append("\(event.item): \(event.stage?.rawValue ?? "") done") }
            case .stageFailed:
                if let s = event.stage { c.stageActive[s, default: 1] -= 1 }
                lines.append("\(paint("FAILED", 31)) \(event.item) (\(event.stage?.rawValue ?? "")): "
                             + "[\(event.error?.code.rawValue ?? "")] \(event.error?.message ?? "")"
                             + (event.error?.hint.map { " — \($0)" } ?? ""))
            case .itemFinished:
                c.finished[event.outcome ?? .pending, default: 0] += 1
                if let outcome = event.outcome {
                    if outcome == .failed, let error = event.error {
                        if !live || event.stage == .validate {
                            lines.append("\(event.item): \(paint("failed", 31)) [\(error.code)] \(error.message)"
                                         + (error.hint.map { " — \($0)" } ?? ""))
                        }
                    } else if !live {
                        lines.append("\(event.item): \(outcome.rawValue)")
                    }
                }
            case .bytesSent: c.bytes += event.bytes
            case .warning: lines.append("\(paint("warning", 33)) \(event.item): \(event.message ?? "")")
            }
            let now = ContinuousClock.now
            if live {
                if now - c.lastDraw >= .milliseconds(200) || event.kind == .itemFinished {
                    c.lastDraw = now
                    draw = true
                }
            } else if now - c.lastSummary >= .seconds(10) {
                c.lastSummary = now
                lines.append(summary(c, interrupted: nil))
            }
        }
        if live {
            if !lines.isEmpty { Console.writeErr("\r\u{1B}[K" + lines.joined(separator: "\n") + "\n") }
            if draw || !lines.isEmpty { Console.writeErr("\r\u{1B}[K" + counters.read { progressLine($0) }) }
        } else if !lines.isEmpty {
            Console.writeErr(lines.joined(separator: "\n") + "\n")
        }
    }

    /// Ends the live line and prints the final summary. `interrupted` (the run's result) decides
    /// whether the items not finished are called resumable; nil: a signal received tells.
    func finish(interrupted: Bool? = nil) {
        let stopped = interrupted ?? SignalTrap.signalReceived
        let text = counters.read { summary($0, interrupted: stopped) }
        Console.writeErr((live ? "\r\u{1B}[K" : "") + text + "\n")
    }

    /// The summary line: only succeeded, failed and skipped items count as finished (`RunSummaryLine`).
    private func summary(_ c: Counters, interrupted: Bool?) -> String {
        RunSummaryLine.text(total: total, counts: RunSummaryLine.Counts(c.finished), interrupted: interrupted,
                            sent: Console.bytes(c.bytes), elapsed: Console.seconds(ContinuousClock.now - started))
    }

    private func progressLine(_ c: Counters) -> String {
        let done = RunSummaryLine.Counts(c.finished).finished
        let elapsed = Console.seconds(ContinuousClock.now - started)
        let elapsedSeconds = max(0.001, Double((ContinuousClock.now - started).components.seconds)
            + Double((ContinuousClock.now - started).components.attoseconds) / 1e18)
        let rate = Double(c.bytes) / elapsedSeconds
        var eta = "–"
        if done > 0 && done < total {
            let remaining = elapsedSeconds / Double(done) * Double(total - done)
            eta = "\(Int(remaining))s"
        }
        let stages = [Stage.assets, .documents, .transfer, .confirm].map { s in
            "\(s.rawValue) \(c.stageDone[s] ?? 0)+\(c.stageActive[s] ?? 0)"
        }.joined(separator: " ")
        return "[\(done)/\(total)] \(stages) | \(Console.bytes(c.bytes))/\(Console.bytes(totalBytes)) "
            + "\(Console.bytes(Int64(rate)))/s | \(paint("\(c.finished[.failed] ?? 0) failed", 31)) | \(elapsed) ETA \(eta)"
    }

    private func paint(_ text: String, _ code: Int) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    static func bytes(_ value: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024 && unit < units.count - 1 { amount /= 1024; unit += 1 }
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", amount, units[unit])
    }

    static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return String(format: "%.1fs", seconds)
    }

    /// Writes to stderr.
    static func writeErr(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    /// Prints a line to stderr.
    static func printError(_ text: String) { writeErr(text + "\n") }

    /// The counters behind a lock.
    ///
    /// `@unchecked Sendable`: `value` is only touched while `lock` is held.
    private final class LockedCounters: @unchecked Sendable {
        private let lock = NSLock()
        private var value = Counters()
        func update(_ body: (inout Counters) -> Void) { lock.lock(); body(&value); lock.unlock() }
        func read<T>(_ body: (Counters) -> T) -> T { lock.lock(); defer { lock.unlock() }; return body(value) }
    }
}
