import IngestCore

extension StageContext {
    /// The longest `Retry-After` a stage waits out (the HTTP layer's `RetryPolicy.maxRetryAfter`).
    static let maxRetryAfter: Duration = .seconds(60)

    /// `write`, made to wait out the `Retry-After` a server sent with a retryable failure before the
    /// failure reaches `Retrier.write`, which then reconciles and, if nothing was stored, writes again
    /// after its own backoff. Skylark's client no longer repeats a POST on 429/503 (its outcome is
    /// unknown), so the server's request to slow down is honoured here.
    ///
    /// Note for the `Retrier` rework: `Retrier` has no hook for a server's delay; once its backoff
    /// takes `Retry-After` as a lower bound, this wrapper can go.
    func honouringRetryAfter<T: Sendable>(_ write: @escaping @Sendable () async throws -> T)
        -> @Sendable () async throws -> T {
        return {
            do {
                return try await write()
            } catch let error as any RetryAfterProviding {
                if let wait = error.retryAfter, wait > .zero, IngestError.from(error).retryable, !Task.isCancelled {
                    try await Task.sleep(for: min(wait, Self.maxRetryAfter))
                }
                throw error
            }
        }
    }
}
