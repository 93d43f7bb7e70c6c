import Foundation

/// The libcurl HTTP engine: one multi handle driven on its own thread, shared connection cache,
/// request bodies streamed from memory or file ranges, responses to memory.
///
/// Make one per run and share it: each client owns a thread and a connection cache. Progress
/// callbacks run on the engine thread and must be cheap.
public final class CurlHTTPClient: HTTPClient {
    /// The settings this client was made with.
    public let configuration: Configuration
    private let engine: EngineThread

    /// Starts the engine thread.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        engine = EngineThread(configuration: configuration)
    }

    deinit {
        engine.submit(.shutdown)
    }

    /// Sends `request`; any status is a response, a missing response throws `TransportError`
    /// (`.cancelled` when the calling task is cancelled).
    public func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
        let transfer = Transfer(request: request, progress: progress)
        let engine = self.engine
        // Keep the client (whose deinit shuts the engine down) alive until the answer arrives, even
        // when the caller holds no other reference to it.
        defer { withExtendedLifetime(self) {} }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                transfer.continuation = continuation
                engine.submit(.add(transfer))
            }
        } onCancel: {
            transfer.requestCancel()
            engine.submit(.cancel(transfer))
        }
    }
}
