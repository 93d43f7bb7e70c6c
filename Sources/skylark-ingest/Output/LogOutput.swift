import ArgumentParser
import Foundation
import IngestCore
import Logging
import Synchronization

/// `--log-format`: how log records are written to stderr.
enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// `2026-12-05T09:41:07.215Z info    message`
    case text
    /// One JSON object per line, sorted keys: `ts`, `level`, `msg`, and `item`, `stage`, `code` and other
    /// metadata when known.
    case json
}

/// The CLI's logging: swift-log bootstrapped once per process with a handler writing to stderr through
/// `Terminal` (so records and the progress line never interleave).
enum Log {
    /// Whether `bootstrap` ran.
    private static let bootstrapped = Mutex(false)

    /// Bootstraps swift-log (only the first call does anything) and returns the CLI's logger.
    @discardableResult
    static func bootstrap(level: Logger.Level, format: LogFormat) -> Logger {
        bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in StderrLogHandler(label: label, level: level, format: format) }
        }
        return Logger(label: "skylark-ingest")
    }

    /// Whether `bootstrap` ran (else `Console.printError` writes plain lines).
    static var isBootstrapped: Bool { bootstrapped.withLock { $0 } }

    /// The CLI's logger (swift-log's default handler until `bootstrap`).
    static var logger: Logger { Logger(label: "skylark-ingest") }
}

/// Writes each record as one line on stderr, as text or JSON.
struct StderrLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    let format: LogFormat
    var metadata: Logger.Metadata = [:]

    init(label: String, level: Logger.Level, format: LogFormat) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = merged.mapValues(StderrLogHandler.flatten)
        Terminal.standardError.writeLine(LogLine.render(format: format, date: Date(), level: event.level,
                                                        message: event.message.description, fields: fields))
    }

    private static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let value): return value.description
        case .array(let values): return values.map(flatten).joined(separator: ",")
        case .dictionary(let values):
            return values.sorted { $0.key < $1.key }.map { "\($0.key)=\(flatten($0.value))" }.joined(separator: ",")
        }
    }
}

/// One log line, as text or JSON. Pure.
enum LogLine {
    /// `ts level msg` (text; metadata other than item/stage/code, which messages already carry, as
    /// `key=value`), or a JSON object with sorted keys.
    static func render(format: LogFormat, date: Date, level: Logger.Level, message: String,
                       fields: [String: String]) -> String {
        let ts = timestamp(date)
        switch format {
        case .text:
            let extra = fields.filter { !["item", "stage", "code"].contains($0.key) }
                .sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
            let name = level.rawValue
            return ts + " " + name + String(repeating: " ", count: max(1, 8 - name.count)) + oneLine(message) + extra
        case .json:
            var object = fields
            object["ts"] = ts
            object["level"] = level.rawValue
            object["msg"] = message
            guard let data = try? JSONSerialization.data(withJSONObject: object,
                                                         options: [.sortedKeys, .withoutEscapingSlashes]) else {
                return #"{"level":"error","msg":"unencodable log record","ts":"\#(ts)"}"#
            }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// ISO-8601 UTC with milliseconds: `2026-12-05T09:41:07.215Z`.
    static func timestamp(_ date: Date) -> String { UTCTimestamp.string(date, milliseconds: true) }

    /// A message on one line (a record never spans lines).
    private static func oneLine(_ text: String) -> String {
        text.contains("\n") ? text.replacingOccurrences(of: "\n", with: " ⏎ ") : text
    }
}

/// `-v`/`-q`, `--log-level`, `--log-format`.
struct LoggingOptions: ParsableArguments {
    @Flag(name: .short, help: "More detail: -v logs at debug (HTTP exchanges, redacted), -vv at trace.")
    var verbose: Int

    @Flag(name: .short, help: "Only warnings and errors.")
    var quiet = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error (default: info).")
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: "text (ISO-8601 UTC timestamp, level, message) or json (one object per line).")
    var logFormat: LogFormat = .text

    static let levels: [Logger.Level] = [.trace, .debug, .info, .notice, .warning, .error]

    func validate() throws {
        if quiet && verbose > 0 { throw ValidationError("-q and -v exclude each other") }
        if let logLevel, !LoggingOptions.levels.contains(where: { $0.rawValue == logLevel.lowercased() }) {
            throw ValidationError("--log-level: '\(logLevel)' is not one of trace, debug, info, notice, warning, error")
        }
    }

    /// `--log-level`, else `-q` (warning), `-v` (debug), `-vv` (trace), else info.
    var level: Logger.Level {
        if let logLevel, let level = Logger.Level(rawValue: logLevel.lowercased()) { return level }
        if quiet { return .warning }
        switch verbose {
        case 0: return .info
        case 1: return .debug
        default: return .trace
        }
    }
}
