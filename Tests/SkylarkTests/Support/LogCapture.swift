import IngestTestSupport
import Logging

/// One in-memory log store shared by several labelled loggers (engine, Cognito, tokens, API).
struct LogCapture: Sendable {
    let store = InMemoryLogHandler.Store()

    /// A logger at `.trace` that writes into this capture.
    func logger(_ label: String) -> Logger {
        let store = self.store
        var logger = Logger(label: label) { _ in InMemoryLogHandler(store: store) }
        logger.logLevel = .trace
        return logger
    }

    /// Everything logged so far, one record per line.
    var text: String { store.text }
}
