import IngestCore

/// Bounded retries for stage calls. Reads are retried as they are; a write (non-idempotent POST)
/// is retried only after a reconcile read found nothing: a server can commit and still answer 500.
public struct Retrier: Sendable {
    /// Attempts per call, including the first.
    public var attempts: Int
    /// Wait before the second attempt; doubled after each further one.
    public var baseDelay: Duration

    public init(attempts: Int = 4, baseDelay: Duration = .milliseconds(200)) {
        self.attempts = max(1, attempts)
        self.baseDelay = baseDelay
    }

    /// Runs `read`, retrying retryable failures.
    public func read<T: Sendable>(_ read: @Sendable () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do { return try await read() } catch {
                guard attempt < attempts, IngestError.from(error).retryable, !Task.isCancelled else { throw error }
                try await Task.sleep(for: delay(attempt))
                attempt += 1
            }
        }
    }

    /// Runs `write`; after a retryable failure runs `reconcile` and returns what it found, else
    /// waits and writes again, up to `attempts` writes.
    public func write<T: Sendable>(_ write: @Sendable () async throws -> T,
                                   reconcile: @Sendable () async throws -> T?) async throws -> T {
        var attempt = 1
        while true {
            do { return try await write() } catch {
                guard IngestError.from(error).retryable, !Task.isCancelled else { throw error }
                if let found = try await read(reconcile) { return found }
                guard attempt < attempts else { throw error }
                try await Task.sleep(for: delay(attempt))
                attempt += 1
            }
        }
    }

    private func delay(_ attempt: Int) -> Duration { baseDelay * (1 << min(attempt - 1, 6)) }
}
