import Dispatch
import Foundation
import IngestCore
import Logging
import Pipeline
import Synchronization

/// Run output on stderr. Item events become log records (swift-log, `Log`); on a TTY (without
/// `--no-progress`, with text logs) a live progress line is drawn from one place, `Terminal`, fitted to the
/// terminal's width and drawn again when it changes (SIGWINCH). Without a TTY: one record per item event and
/// a summary record every 10 s. `NO_COLOR` turns colour off.
final class Console: Sendable {
    private struct Counters {
        var finished: [ItemOutcome: Int] = [:]
        var stageDone: [Stage: Int] = [:]
        var stageActive: [Stage: Int] = [:]
        var bytes: Int64 = 0
        var byteRate = RateWindow(span: .seconds(10))
        var itemRate = RateWindow(span: .seconds(10))
        var lastSummary = ContinuousClock.now
        var lastDraw = ContinuousClock.now
    }

    private let live: Bool
    private let color: Bool
    private let total: Int
    private let totalBytes: Int64
    private let started = ContinuousClock.now
    private let counters = Mutex(Counters())
    private let logger: Logger
    /// The live line's timer and SIGWINCH sources (none without a live line).
    private let sources: Mutex<[any DispatchSourceProtocol]>

    /// - Parameters:
    ///   - live: whether a progress line may be drawn (a TTY is needed too).
    init(total: Int, totalBytes: Int64, noProgress: Bool, logger: Logger = Log.logger, textLogs: Bool = true) {
        live = !noProgress && textLogs && Terminal.isTTY
        color = textLogs && (ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true) && Terminal.isTTY
        self.total = total
        self.totalBytes = totalBytes
        self.logger = logger
        // The live line is drawn again every second (rate, ETA, elapsed) and when the terminal is resized.
        sources = Mutex(live ? Terminal.drawingSources(label: "skylark-ingest.progress", first: .seconds(1),
                                                       every: .seconds(1), redrawOnResize: true,
                                                       tick: { Terminal.standardError.redraw() }) : [])
        if live { startLiveLine() }
    }

    /// One record: a level, the message (today's wording) and what it is about.
    private struct Record {
        var level: Logger.Level
        var message: String
        var item: String?
        var stage: Stage?
        var code: String?
    }

    /// Handles one pipeline event.
    func handle(_ event: PipelineEvent) {
        var records: [Record] = []
        var draw = false
        let quiet: Logger.Level = live ? .debug : .info
        counters.withLock { c in
            let now = ContinuousClock.now
            switch event.kind {
            case .stageStarted: if let s = event.stage { c.stageActive[s, default: 0] += 1 }
            case .stageSucceeded:
                if let s = event.stage { c.stageActive[s] = max(0, (c.stageActive[s] ?? 1) - 1); c.stageDone[s, default: 0] += 1 }
                records.append(Record(level: quiet, message: "\(event.item): \(event.stage?.rawValue ?? "") done",
                                      item: event.item, stage: event.stage))
            case .stageFailed:
                if let s = event.stage { c.stageActive[s] = max(0, (c.stageActive[s] ?? 1) - 1) }
                records.append(Record(level: .error, message: "\(paint("FAILED", 31)) \(event.item) (\(event.stage?.rawValue ?? "")): "
                                      + "[\(event.error?.code.rawValue ?? "")] \(event.error?.message ?? "")"
                                      + (event.error?.hint.map { " — \($0)" } ?? ""),
                                      item: event.item, stage: event.stage, code: event.error?.code.rawValue))
            case .itemFinished:
                c.finished[event.outcome ?? .pending, default: 0] += 1
                c.itemRate.record(Double(RunSummaryLine.Counts(c.finished).finished), at: now)
                if let outcome = event.outcome {
                    if outcome == .failed, let error = event.error {
                        let shown = !live || event.stage == .validate
                        records.append(Record(level: shown ? .error : .debug,
                                              message: "\(event.item): \(paint("failed", 31)) [\(error.code)] \(error.message)"
                                                  + (error.hint.map { " — \($0)" } ?? ""),
                                              item: event.item, stage: event.stage, code: error.code.rawValue))
                    } else {
                        records.append(Record(level: quiet, message: "\(event.item): \(outcome.rawValue)", item: event.item,
                                              stage: event.stage))
                    }
                }
            case .bytesSent:
                c.bytes += event.bytes
                c.byteRate.record(Double(c.bytes), at: now)
            case .warning:
                records.append(Record(level: .warning, message: "\(paint("warning", 33)) \(event.item): \(event.message ?? "")",
                                      item: event.item, stage: event.stage))
            }
            if live {
                if now - c.lastDraw >= .milliseconds(200) || event.kind == .itemFinished {
                    c.lastDraw = now
                    draw = true
                }
            } else if now - c.lastSummary >= .seconds(10) {
                c.lastSummary = now
                records.append(Record(level: .info, message: summary(c, interrupted: nil)))
            }
        }
        for record in records { log(record) }
        if draw { Terminal.standardError.redraw() }
    }

    private func log(_ record: Record) {
        var metadata: Logger.Metadata = [:]
        if let item = record.item { metadata["item"] = .string(item) }
        if let stage = record.stage { metadata["stage"] = .string(stage.rawValue) }
        if let code = record.code, !code.isEmpty { metadata["code"] = .string(code) }
        logger.log(level: record.level, "\(record.message)", metadata: metadata)
    }

    /// Ends the live line and logs the final summary. `interrupted` (the run's result) decides whether the
    /// items not finished are called resumable; nil: a signal received tells.
    func finish(interrupted: Bool? = nil) {
        let stopped = interrupted ?? SignalTrap.signalReceived
        stopLive()
        let text = counters.withLock { summary($0, interrupted: stopped) }
        logger.notice("\(text)")
    }

    /// Removes the live line (a run that ends with an error, without a summary).
    func stopLive() {
        sources.withLock { sources in
            for source in sources { source.cancel() }
            sources = []
        }
        if live { Terminal.standardError.setStatus(nil) }
    }

    /// The summary line: only succeeded, failed and skipped items count as finished (`RunSummaryLine`).
    private func summary(_ c: Counters, interrupted: Bool?) -> String {
        RunSummaryLine.text(total: total, counts: RunSummaryLine.Counts(c.finished), interrupted: interrupted,
                            sent: Console.bytes(c.bytes), elapsed: Console.seconds(ContinuousClock.now - started))
    }

    /// What the progress line shows now: counts only ever grow; rate and ETA over the last 10 s.
    private func snapshot(_ c: Counters, now: ContinuousClock.Instant) -> ProgressSnapshot {
        let counts = RunSummaryLine.Counts(c.finished)
        let byteRate = c.byteRate.perSecond(at: now)
        var eta: Duration?
        if totalBytes > 0, let byteRate, byteRate > 0 {
            eta = .seconds(min(Double(max(0, totalBytes - c.bytes)) / byteRate, Console.longestETA))
        } else if let itemRate = c.itemRate.perSecond(at: now), itemRate > 0 {
            eta = .seconds(min(Double(max(0, total - counts.finished)) / itemRate, Console.longestETA))
        }
        return ProgressSnapshot(total: total, counts: counts, stageDone: c.stageDone, stageActive: c.stageActive,
                                bytesSent: c.bytes, totalBytes: totalBytes, bytesPerSecond: byteRate,
                                elapsed: now - started, eta: eta)
    }

    /// Shows the live line.
    private func startLiveLine() {
        Terminal.standardError.setStatus { [self] width in
            // One column spare: a line exactly as wide as the terminal would make some of them wrap.
            ProgressLine.render(counters.withLock { snapshot($0, now: .now) }, width: max(1, width - 1))
        }
    }

    /// ETAs are capped (99 days) so a rate near zero cannot overflow a `Duration`.
    static let longestETA: Double = 99 * 86_400

    private func paint(_ text: String, _ code: Int) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    static func bytes(_ value: Int64) -> String { ByteText.format(value) }

    static func seconds(_ duration: Duration) -> String { ByteText.seconds(duration) }

    /// Writes to stderr (above the progress line, if one is shown).
    static func writeErr(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
            Terminal.standardError.writeLine(String(line))
        }
    }

    /// Prints a line to stderr: a log record once logging is bootstrapped (`error: `/`warning: ` prefixes
    /// become the record's level), else the plain line.
    static func printError(_ text: String) {
        guard Log.isBootstrapped else {
            Terminal.standardError.writeLine(text)
            return
        }
        if text.hasPrefix("error: ") {
            Log.logger.error("\(text.dropFirst("error: ".count))")
        } else if text.hasPrefix("warning: ") {
            Log.logger.warning("\(text.dropFirst("warning: ".count))")
        } else {
            Log.logger.notice("\(text)")
        }
    }

    /// Prints `text` to stderr: a record at `level` once logging is bootstrapped, else the plain line.
    static func printLine(_ text: String, level: Logger.Level) {
        guard Log.isBootstrapped else {
            Terminal.standardError.writeLine(text)
            return
        }
        Log.logger.log(level: level, "\(text)")
    }
}
