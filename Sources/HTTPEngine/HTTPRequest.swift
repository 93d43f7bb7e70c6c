import Foundation

/// What a request sends as its body. Files are streamed from disk in place, never read whole.
public enum HTTPBody: Sendable, Hashable {
    /// No body.
    case none
    /// Bytes held in memory (API JSON, small XML documents).
    case bytes([UInt8])
    /// `length` bytes of the file at `path` starting at `offset`, read with `pread` as curl asks.
    case file(path: String, offset: Int64, length: Int64)

    /// The body's length in bytes.
    public var length: Int64 {
        switch self {
        case .none: return 0
        case .bytes(let b): return Int64(b.count)
        case .file(_, _, let length): return length
        }
    }
}

/// An HTTP request. `url` is complete and already percent-encoded (the signer encodes S3 keys).
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: HTTPHeaders
    public var body: HTTPBody
    /// Upper bound on the whole exchange; nil = no total limit (the low-speed limit still applies).
    public var timeout: Duration?
    /// Upload rate cap for this request in bytes per second (CURLOPT_MAX_SEND_SPEED_LARGE); nil = none.
    public var maxSendBytesPerSecond: Int64?
    /// A rate shared with other requests (one `--max-bandwidth` for a whole run): the body is sent only as
    /// fast as the limiter grants bytes; nil = none.
    public var sendLimiter: SendRateLimiter?
    /// Whether the engine may send this request again by itself. libcurl silently re-sends a request
    /// whose reused connection died before an answer came, and a server may have acted on the first copy
    /// (a reset after commit looks the same). False for writes a second copy of which could be acted on:
    /// the body is then never rewound once sent, and such a failure comes back as a transport error for
    /// the caller to reconcile.
    public var repeatable: Bool = true
    /// Sees the body's bytes as they go out (hashing while sending reads each byte once); nil = none.
    public var bodyObserver: (any HTTPBodyObserver)?
    /// Sends the body `aws-chunked` with this trailer after the data; nil sends it as it is. The caller sets
    /// the headers that announce it (`Content-Encoding`, `x-amz-decoded-content-length`, `x-amz-trailer`).
    public var awsChunked: AWSChunkedEncoding?

    /// The bytes curl sends as the body (the framed length when `awsChunked` is set).
    public var sentBodyLength: Int64 { awsChunked?.encodedLength ?? body.length }

    public init(method: String, url: String, headers: HTTPHeaders = [:], body: HTTPBody = .none,
                timeout: Duration? = nil, maxSendBytesPerSecond: Int64? = nil, sendLimiter: SendRateLimiter? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxSendBytesPerSecond = maxSendBytesPerSecond
        self.sendLimiter = sendLimiter
    }
}

/// Sees a request's body bytes as the engine hands them to curl: every byte once, in order. Called on the
/// engine thread (keep it cheap and lock-free of the caller): `restart()` before an attempt's first byte and
/// whenever curl rewinds the body, then `observe` with each run of bytes. What it saw once the request got
/// its answer is exactly the body that was sent.
public protocol HTTPBodyObserver: AnyObject, Sendable {
    /// The body is about to be sent from its first byte: forget anything seen before.
    func restart()
    /// The next `bytes` of the body (payload bytes, without any framing).
    func observe(_ bytes: UnsafeRawBufferPointer)
    /// The value of the `aws-chunked` trailer, asked once after the last payload byte was observed; it must be
    /// `AWSChunkedEncoding.trailerValueLength` characters long.
    func trailerValue() -> String
}

extension HTTPBodyObserver {
    public func trailerValue() -> String { "" }
}

/// S3's `aws-chunked` content encoding with an unsigned trailer (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`): the
/// payload in chunks (`<hex size>\r\n<bytes>\r\n`), a last empty chunk (`0\r\n`), then one trailer line
/// (`<name>:<value>\r\n`) and an empty line. The trailer's value (a checksum of the bytes sent) comes from
/// the request's `bodyObserver` once all bytes went out, so the body is read once and checked by the server.
public struct AWSChunkedEncoding: Sendable, Hashable {
    /// The payload's length (`x-amz-decoded-content-length`).
    public var payloadLength: Int64
    /// Payload bytes per chunk (the last may be shorter). The AWS SDKs send 64 KiB.
    public var chunkSize: Int
    /// The trailer header's name (`x-amz-checksum-crc32c`).
    public var trailerName: String
    /// The trailer value's length in characters (8 for a base64 CRC32C), fixed so the length is known upfront.
    public var trailerValueLength: Int

    public init(payloadLength: Int64, chunkSize: Int = 64 * 1024, trailerName: String, trailerValueLength: Int) {
        self.payloadLength = max(0, payloadLength)
        self.chunkSize = max(8 * 1024, chunkSize)
        self.trailerName = trailerName
        self.trailerValueLength = trailerValueLength
    }

    /// The encoded body's length (`Content-Length`).
    public var encodedLength: Int64 {
        let size = Int64(chunkSize)
        let full = payloadLength / size
        let rest = payloadLength % size
        var total = full * Int64(String(chunkSize, radix: 16).utf8.count + 2 + chunkSize + 2)
        if rest > 0 { total += Int64(String(rest, radix: 16).utf8.count + 2) + rest + 2 }
        total += 3  // "0\r\n"
        total += Int64(trailerName.utf8.count + 1 + trailerValueLength + 2 + 2)
        return total
    }
}

/// A complete HTTP response with its body in memory (responses here are small: JSON, XML).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8 (lossy).
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// Bytes sent so far for one request (called from the engine thread; keep it cheap).
public typealias HTTPProgress = @Sendable (_ bytesSent: Int64) -> Void

/// Something that executes HTTP requests: the libcurl engine, or a test double.
public protocol HTTPClient: Sendable {
    /// Sends `request` and returns the response for any status code; throws `TransportError`
    /// when no response arrived (connect failure, reset, timeout, cancellation).
    func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse
}

extension HTTPClient {
    /// Sends `request` without a progress callback.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await execute(request, progress: nil)
    }
}
