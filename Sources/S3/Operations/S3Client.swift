import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore
import Synchronization

/// An S3 client over any `HTTPClient`: signs with SigV4 and retries through the engine's `RetryExecutor`
/// what is safe to repeat (`S3Repeatability`): reads and unobserved writes on any transient failure,
/// object-creating writes only when S3 proved it did not act. The caller reconciles the rest.
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
    /// The signing clock's correction, shared by copies of this client.
    let skew: ClockSkew
    /// What the store has shown of checksum headers, shared by copies of this client.
    public let checksums: StoreChecksums
    /// The MD5 lanes of the bodies this client (and its copies) hashes while sending; nil (OpenSSL's MD5 per
    /// body) only with `SKYLARK_MD5_LANES=off`, the before/after switch of the transfer benchmark.
    public let md5Lanes: MD5LaneScheduler?

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
        self.skew = ClockSkew()
        self.checksums = StoreChecksums()
        self.md5Lanes = ProcessInfo.processInfo.environment["SKYLARK_MD5_LANES"] == "off" ? nil : MD5LaneScheduler()
    }

    /// Whether uploads send a trailing CRC-32C (`S3Configuration.sendsTrailingChecksums`).
    public var sendsTrailingChecksums: Bool { configuration.sendsTrailingChecksums }

    /// Whether single PUTs without a trailer carry `x-amz-checksum-crc32c` (every setting but
    /// `SKYLARK_S3_TRAILING_CHECKSUM=off`; see `StoreChecksums`).
    public var sendsChecksumHeaders: Bool { configuration.trailingChecksum != .off && !sendsTrailingChecksums }

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
        /// The run's shared upload rate, if any.
        var sendLimiter: SendRateLimiter?
        /// Whether a 200 answer may carry an `<Error>` document (CompleteMultipartUpload, CopyObject).
        var errorIn200 = false
        /// Whether a failed attempt may simply be sent again.
        var repeatability: S3Repeatability = .safe
        /// Sees the body as it goes out (hashing while sending).
        var bodyObserver: (any HTTPBodyObserver)?
        /// Sends the body `aws-chunked` with this checksum trailing it (the observer computes it).
        var trailingChecksum: TrailingChecksum?

        var label: String { "\(operation) \(bucket)\(key.map { "/" + $0 } ?? "")" }
    }

    /// Signs and sends `call` (re-signed, with the current credentials, on every attempt), repeating what
    /// `call.repeatability` allows (see `S3Repeatability`); a `RequestTimeTooSkewed` answer corrects the
    /// signing clock and is sent once more (S3 refused it, so it cannot have happened).
    /// Throws `S3Error`, `TransportError` or `RetryBudgetExhaustedError`. The credentials each attempt signed
    /// with are recorded in `used`; `send` (S3Client+Credentials.swift) wraps this with the one retry after
    /// an expired-token refusal.
    func sendSigned(_ call: Call, used: CredentialsInUse) async throws -> HTTPResponse {
        let location = configuration.location(bucket: call.bucket, key: call.key, query: call.query)
        let url = location.url
        var resignedForSkew = false
        let attemptOutcome = try await retry.run(operation: { attempt -> Outcome in
            let credentials = try await credentialProvider.credentials()
            used.record(credentials)
            let date = clock().addingTimeInterval(skew.seconds)
            let signature = signer.sign(method: call.method, canonicalURI: location.path, query: location.queryString,
                                        host: location.signedHost, headers: call.headers, payload: call.payload,
                                        credentials: credentials, date: date)
            var headers = call.headers
            for (name, value) in signature.addedHeaders { headers.set(name, value) }
            var request = HTTPRequest(method: call.method, url: url, headers: headers, body: call.body,
                                      maxSendBytesPerSecond: call.maxSendBytesPerSecond, sendLimiter: call.sendLimiter)
            request.repeatable = call.repeatability == .safe
            request.bodyObserver = call.bodyObserver
            if let checksum = call.trailingChecksum {
                request.awsChunked = AWSChunkedEncoding(payloadLength: call.body.length, trailerName: checksum.headerName,
                                                        trailerValueLength: checksum.valueLength)
            }
            stats.sent(retry: attempt > 1)
            let response = try await http.execute(request, progress: call.progress)
            return Outcome(response: response, error: S3Client.failure(of: response, call: call))
        }, classify: { result in
            if case .success(let outcome) = result, let error = outcome.error, error.code == "RequestTimeTooSkewed",
               !resignedForSkew, let serverTime = S3Client.serverTime(outcome.response) {
                resignedForSkew = true
                skew.learn(serverTime: serverTime, now: clock())
                return .retryable(retryAfter: nil)
            }
            return call.repeatability.classify(result.map { ($0.response, $0.error) })
        })
        if let error = attemptOutcome.error { throw error }
        return attemptOutcome.response
    }

    /// The server's clock in a `RequestTimeTooSkewed` answer.
    static func serverTime(_ response: HTTPResponse) -> Date? {
        let xml = try? S3XML.parse(response.body)
        return ClockSkew.serverTime(xmlServerTime: xml?["ServerTime"], dateHeader: response.s3Header("Date"))
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
            var error = S3Error(code: xml["Code"] ?? "InternalError", status: response.status, requestId: xml["RequestId"],
                                message: xml["Message"] ?? "error document in a 200 answer", operation: call.label)
            error.documented = true
            return error
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

/// Counters of requests for tests and the upload summary.
final class S3RequestStats: Sendable {
    private let counts = Mutex<(sent: Int, retried: Int)>((0, 0))

    func sent(retry: Bool) {
        counts.withLock { counts in
            counts.sent += 1
            if retry { counts.retried += 1 }
        }
    }
    var snapshot: (sent: Int, retried: Int) { counts.withLock { $0 } }
}
