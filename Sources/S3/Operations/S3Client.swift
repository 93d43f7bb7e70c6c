import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore

/// An S3 client over any `HTTPClient`: signs with SigV4 and retries idempotent calls per `S3RetryPolicy`.
public struct S3Client: Sendable {
    /// The HTTP engine.
    public let http: any HTTPClient
    /// Region, endpoint and addressing style.
    public let configuration: S3Configuration
    /// Where the keys come from (asked once per request; cheap for static and environment sources).
    public let credentialProvider: any CredentialProvider
    /// Backoff and attempts.
    public let retryPolicy: S3RetryPolicy
    /// The run's shared retry quota.
    public let retryBudget: RetryBudget
    /// The clock used for signatures.
    public let clock: @Sendable () -> Date
    let signer: SigV4Signer
    let stats: S3RequestStats

    public init(http: any HTTPClient, configuration: S3Configuration, credentials: any CredentialProvider,
                retryPolicy: S3RetryPolicy = S3RetryPolicy(), retryBudget: RetryBudget = RetryBudget(),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.http = http
        self.configuration = configuration
        self.credentialProvider = credentials
        self.retryPolicy = retryPolicy
        self.retryBudget = retryBudget
        self.clock = clock
        self.signer = SigV4Signer(region: configuration.region)
        self.stats = S3RequestStats()
    }

    /// Requests sent and retried so far by this client (and its copies).
    public var requestCounts: (sent: Int, retried: Int) { stats.snapshot }

    /// One S3 call before signing.
    struct Call {
        var operation: String
        var method: String
        var bucket: String
        var key: String?
        var query: [(String, String?)] = []
        var headers: HTTPHeaders = [:]
        var body: HTTPBody = .none
        var payload: SigV4Payload = .sha256Hex(SigV4Payload.emptySHA256)
        /// Non-2xx statuses handed back to the caller instead of thrown (404 for HEAD).
        var passStatuses: Set<Int> = []
        var progress: HTTPProgress?
        var maxSendBytesPerSecond: Int64?

        var label: String { "\(operation) \(bucket)\(key.map { "/" + $0 } ?? "")" }
    }

    /// Signs and sends `call`, retrying what may succeed later; throws `S3Error` or `TransportError`.
    func send(_ call: Call) async throws -> HTTPResponse {
        let location = configuration.location(bucket: call.bucket, key: call.key, query: call.query)
        let url = location.url
        var attempt = 1
        while true {
            try Task.checkCancellation()
            let credentials = try await credentialProvider.credentials()
            let signature = signer.sign(method: call.method, canonicalURI: location.path, query: location.queryString,
                                        host: location.signedHost, headers: call.headers, payload: call.payload,
                                        credentials: credentials, date: clock())
            var headers = call.headers
            for (name, value) in signature.addedHeaders { headers.set(name, value) }
            let request = HTTPRequest(method: call.method, url: url, headers: headers, body: call.body,
                                      maxSendBytesPerSecond: call.maxSendBytesPerSecond)
            stats.sent()
            let failure: any Error
            var retryAfter: String?
            var timedOut = false
            do {
                let response = try await http.execute(request, progress: call.progress)
                if (200..<300).contains(response.status) || call.passStatuses.contains(response.status) {
                    retryBudget.recordSuccess()
                    return response
                }
                let error = S3Error.from(response, operation: call.label)
                guard error.isRetryable else { throw error }
                retryAfter = response.headers["Retry-After"]
                failure = error
            } catch let error as TransportError {
                guard error.isRetryable else { throw error }
                timedOut = error.kind == .timedOut
                failure = error
            }
            guard attempt < retryPolicy.maxAttempts, retryBudget.acquire(timeout: timedOut) else { throw failure }
            stats.retried()
            try await Task.sleep(for: retryPolicy.delay(retry: attempt, retryAfter: retryAfter))
            attempt += 1
        }
    }

    /// Headers for user metadata: `x-amz-meta-NAME` per entry, sorted by name.
    static func metadataHeaders(_ metadata: [String: String]) -> [(String, String)] {
        metadata.keys.sorted().map { ("x-amz-meta-\($0.lowercased())", metadata[$0]!) }
    }

    /// The `x-amz-meta-*` headers of a response as a dictionary (names without the prefix).
    static func metadata(from headers: HTTPHeaders) -> [String: String] {
        var result: [String: String] = [:]
        for field in headers where field.name.lowercased().hasPrefix("x-amz-meta-") {
            result[String(field.name.lowercased().dropFirst("x-amz-meta-".count))] = field.value
        }
        return result
    }

    /// Parses an XML body, or throws an error naming the operation.
    static func xml(_ response: HTTPResponse, _ operation: String) throws -> S3XML {
        do {
            return try S3XML.parse(response.body)
        } catch {
            throw S3Error(code: "MalformedResponse", status: response.status,
                          requestId: response.headers["x-amz-request-id"],
                          message: "could not read the XML answer: \(error)", operation: operation)
        }
    }
}

/// Counters of requests for tests and the upload summary. `@unchecked Sendable`: guarded by `lock`.
final class S3RequestStats: @unchecked Sendable {
    private let lock = NSLock()
    private var sentCount = 0
    private var retriedCount = 0

    func sent() { lock.lock(); sentCount += 1; lock.unlock() }
    func retried() { lock.lock(); retriedCount += 1; lock.unlock() }
    var snapshot: (sent: Int, retried: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (sentCount, retriedCount)
    }
}
