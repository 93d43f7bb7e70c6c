import Foundation
import HTTPEngine
import IngestCore
import Skylark

/// An `HTTPClient` that answers from a closure and records every request; for pure client tests.
final class FakeHTTPClient: HTTPClient, Sendable {
    typealias Handler = @Sendable (HTTPRequest, Int) async throws -> HTTPResponse

    private let recorded = Locked<[HTTPRequest]>([])
    private let handler: Handler

    /// `handler` gets each request and its 0-based index.
    init(_ handler: @escaping Handler) { self.handler = handler }

    /// Answers every request with the responses in order (the last one repeats).
    convenience init(responses: [HTTPResponse]) {
        self.init { _, index in responses[min(index, responses.count - 1)] }
    }

    var requests: [HTTPRequest] { recorded.withLock { $0 } }

    func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
        let index = recorded.withLock { recorded -> Int in
            recorded.append(request)
            return recorded.count - 1
        }
        return try await handler(request, index)
    }
}

extension HTTPResponse {
    /// A JSON response.
    static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")] + headers),
                     body: Array(text.utf8))
    }
}

extension HTTPRequest {
    /// The body bytes of an in-memory body.
    var bodyBytes: [UInt8] {
        if case .bytes(let bytes) = body { return bytes }
        return []
    }

    /// The body decoded as a JSON object.
    var jsonObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bodyBytes))) as? [String: Any] ?? [:]
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current: Locked<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = Locked(start) }

    var now: Date { current.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// The clock as the `now` closure the clients take.
    var closure: @Sendable () -> Date { { self.now } }
}

/// A retry policy that does not sleep, recording the waits it would have made.
final class SleepRecorder: Sendable {
    private let recorded = Locked<[Duration]>([])

    var waits: [Duration] { recorded.withLock { $0 } }

    /// An executor (4 attempts) whose jitter is fixed near its maximum and whose sleeps are recorded, not slept.
    func policy(maxAttempts: Int = 4) -> RetryExecutor {
        RetryExecutor(policy: RetryPolicy(maxAttempts: maxAttempts), random: { 0.999_999 },
                      sleep: { wait in self.recorded.withLock { $0.append(wait) } })
    }
}
