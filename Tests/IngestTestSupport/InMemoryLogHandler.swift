import Foundation
import Logging

/// A swift-log handler that keeps every record in memory, so tests can inspect what was logged.
public struct InMemoryLogHandler: LogHandler {
    /// One logged record, rendered as text (message plus metadata).
    public struct Entry: Sendable {
        public let level: Logger.Level
        public let message: String
        public let metadata: Logger.Metadata
        /// The message and every metadata pair as one line: what a log file would hold.
        public var rendered: String {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return ([message] + pairs).joined(separator: " ")
        }
    }

    /// Where entries accumulate; shared by copies of the handler. A lock guards `entries`.
    public final class Store: @unchecked Sendable {
        private let lock = NSLock()
        private var storage: [Entry] = []

        public init() {}

        /// Every entry so far.
        public var entries: [Entry] {
            lock.lock()
            defer { lock.unlock() }
            return storage
        }

        /// All entries rendered, one per line.
        public var text: String { entries.map(\.rendered).joined(separator: "\n") }

        func append(_ entry: Entry) {
            lock.lock()
            storage.append(entry)
            lock.unlock()
        }
    }

    public let store: Store
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level

    /// A handler writing to `store` at `level`.
    public init(store: Store, level: Logger.Level = .trace) {
        self.store = store
        self.logLevel = level
    }

    /// A logger at `level` and the store it writes to.
    public static func logger(label: String = "test", level: Logger.Level = .trace) -> (Logger, Store) {
        let store = Store()
        var logger = Logger(label: label) { _ in InMemoryLogHandler(store: store, level: level) }
        logger.logLevel = level
        return (logger, store)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        store.append(Entry(level: event.level, message: event.message.description, metadata: merged))
    }
}
