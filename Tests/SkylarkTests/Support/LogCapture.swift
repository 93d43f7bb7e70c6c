import Foundation
import Logging

/// Collects every log line (message, metadata, source) of the loggers made from it, at any level.
final class LogCapture: @unchecked Sendable {
    // `lock` protects `lines`.
    private let lock = NSLock()
    private var collected: [String] = []

    /// Everything logged so far.
    var lines: [String] { lock.withLock { collected } }

    /// Everything logged so far, as one text.
    var text: String { lines.joined(separator: "\n") }

    fileprivate func append(_ line: String) { lock.withLock { collected.append(line) } }

    /// A logger at `.trace` that writes into this capture.
    func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { label in Handler(label: label, capture: self) }
        logger.logLevel = .trace
        return logger
    }

    private struct Handler: LogHandler {
        let label: String
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let error = event.error.map { " error=\($0)" } ?? ""
            capture.append("\(event.level) \(label) \(event.message) \(rendered)\(error)")
        }
    }
}
