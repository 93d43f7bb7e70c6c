import Foundation
import HTTPEngine

/// Small HTTP exchanges of credential sources: a bounded time per attempt, a few attempts on
/// transport errors and 5xx, errors as `CredentialSourceError.failed` naming the endpoint.
struct CredentialHTTP: Sendable {
    let http: any HTTPClient
    var timeout: Duration = .seconds(10)
    var attempts: Int = 3
    var pause: Duration = .milliseconds(200)

    /// Sends `request` (with this timeout); a 5xx or transport error is tried again, other answers returned.
    func send(_ request: HTTPRequest, what: String) async throws -> HTTPResponse {
        var request = request
        request.timeout = timeout
        var lastError = ""
        for attempt in 1...max(1, attempts) {
            if attempt > 1 { try await Task.sleep(for: pause * (attempt - 1)) }
            do {
                let response = try await http.execute(request)
                if response.status >= 500 {
                    lastError = "\(what) answered HTTP \(response.status)"
                    continue
                }
                return response
            } catch let error as TransportError {
                if error.kind == .cancelled { throw CancellationError() }
                lastError = "\(what) unreachable (\(error.kind.rawValue): \(error.message))"
                if !error.isRetryable && error.kind != .couldNotResolve { break }
            }
        }
        throw CredentialSourceError.failed(lastError)
    }
}

/// Encodes a form value (`application/x-www-form-urlencoded`, AWS query style: RFC 3986 unreserved kept).
func formEncode(_ pairs: [(String, String)]) -> String {
    pairs.map { "\(S3PercentEncoding.encode($0.0))=\(S3PercentEncoding.encode($0.1))" }.joined(separator: "&")
}
