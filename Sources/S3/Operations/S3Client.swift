import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore

/// An S3 client over any `HTTPClient`: signs with SigV4 and retries every call (all are idempotent here)
/// through the engine's `RetryExecutor` with the S3 classification (`S3Error.isRetryable`).
public struct S3Client: Sendable {
    /// The HTTP engine.
    public let http: any HTTPClient
    /// Region, endpoint and addressing style.
    public let configuration: S3Configuration
    /// Where the keys come from (asked on every attempt; a `RefreshingCredentialProvider` answers from its cache).
    public let credentialProvider: any CredentialProvider
    /// Backoff, attempts and the run's shared retry budget.
    public let retry: RetryExecutor
    /// The clock used for signatures.
    public let clock: @Sendable () -> Date
    let signer: SigV4Signer
    let stats: S3RequestStats

    public init(http: any HTTPClient, configuration: S3Configuration, credentials: any CredentialProvider,
                retry: RetryExecutor = RetryExecutor(policy: .uploads, budget: RetryBudget()),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.http = http
        self.configuration = configuration
        self.credentialProvider = credentials
        self.retry = retry
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
        /// Whether a 200 answer may carry an `<Error>` document (CompleteMultipartUpload, CopyObject).
        var errorIn200 = false

        var label: String { "\(operation) \(bucket)\(key.map { "/" + $0 } ?? "")" }
    }

    /// Signs and sends `call` (re-signed on every attempt with the provider's current credentials, recorded
    /// in `used`), retrying what may succeed later; throws `S3Error`, `TransportError` or `RetryBudgetExhaustedError`.
    /// `send` (S3Client+Credentials.swift) wraps this with the one retry after an expired-token refusal.
    func sendSigned(_ call: Call, used: CredentialsInUse) async throws -> HTTPResponse {
        let location = configuration.location(bucket: call.bucket, key: call.key, query: call.query)
        let url = location.url
        let attemptOutcome = try await retry.run(operation: { attempt -> Outcome in
            let credentials = try await credentialProvider.credentials()
            used.record(credentials)
            let signature = signer.sign(method: call.method, canonicalURI: location.path, query: location.queryString,
                                        host: location.signedHost, headers: call.headers, payload: call.payload,
                                        credentials: credentials, date: clock())
            var headers = call.headers
            for (name, value) in signature.addedHeaders { headers.set(name, value) }
            let request = HTTPRequest(method: call.method, url: url, headers: headers, body: call.body,
                                      maxSendBytesPerSecond: call.maxSendBytesPerSecond)
            stats.sent(retry: attempt > 1)
            let response = try await http.execute(request, progress: call.progress)
            return Outcome(response: response, error: S3Client.failure(of: response, call: call))
        }, classify: { result in
            switch result {
            case .success(let outcome):
                guard let error = outcome.error, error.isRetryable else { return .notRetryable }
                return .retryable(retryAfter: outcome.response.s3Header("Retry-After")
                    .flatMap { RetryClassification.parseRetryAfter($0) })
            case .failure(let error):
                return RetryClassification.default(for: error)
            }
        })
        if let error = attemptOutcome.error { throw error }
        return attemptOutcome.response
    }

    /// One attempt's answer and the S3 error it carries, if any.
    struct Outcome: Sendable {
        var response: HTTPResponse
        var error: S3Error?
    }

    /// The S3 error in `response`: a status outside 2xx (and `passStatuses`), or an `<Error>` document in a 200.
    static func failure(of response: HTTPResponse, call: Call) -> S3Error? {
        if (200..<300).contains(response.status) {
            guard call.errorIn200, let xml = try? S3XML.parse(response.body), xml.name == "Error" else { return nil }
            return S3Error(code: xml["Code"] ?? "InternalError", status: response.status, requestId: xml["RequestId"],
                           message: xml["Message"] ?? "error document in a 200 answer", operation: call.label)
        }
        if call.passStatuses.contains(response.status) { return nil }
        return S3Error.from(response, operation: call.label)
    }

    /// Headers for user metadata: `x-amz-meta-NAME` per entry, sorted by name.
    static func metadataHeaders(_ metadata: [String: String]) -> [(String, String)] {
        metadata.keys.sorted().map { ("x-amz-meta-\($0.lowercased())", metadata[$0]!) }
    }

    /// The `x-amz-meta-*` headers of a response as a dictionary (names without the prefix).
    static func metadata(from headers: HTTPHeaders) -> [String: String] {
        var result: [String: String] = [:]
        for field in headers where field.name.lowercased().hasPrefix("x-amz-meta-") {
            result[String(field.name.lowercased().dropFirst("x-amz-meta-".count))] = field.value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return result
    }

    /// Parses an XML body, or throws an error naming the operation.
    static func xml(_ response: HTTPResponse, _ operation: String) throws -> S3XML {
        do {
            return try S3XML.parse(response.body)
        } catch {
            throw S3Error(code: "MalformedResponse", status: response.status,
                          requestId: response.s3Header("x-amz-request-id"),
                          message: "could not read the XML answer: \(error)", operation: operation)
        }
    }
}

/// Counters of requests for tests and the upload summary. `@unchecked Sendable`: guarded by `lock`.
final class S3RequestStats: @unchecked Sendable {
    private let lock = NSLock()
    private var sentCount = 0
    private var retriedCount = 0

    func sent(retry: Bool) {
        lock.lock()
        sentCount += 1
        if retry { retriedCount += 1 }
        lock.unlock()
    }
    var snapshot: (sent: Int, retried: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (sentCount, retriedCount)
    }
}
