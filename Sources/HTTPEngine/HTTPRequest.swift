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
