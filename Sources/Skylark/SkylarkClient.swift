import Foundation
import HTTPEngine
import IngestCore
import Logging

/// The Skylark REST API client: JSON in and out, bearer ID token on every call to the API's own origin,
/// errors as `SkylarkAPIError`. GETs are retried on transient failures; a POST only when the connection
/// was never made: any answer (429 and 503 included), a timeout or a reset leaves its outcome unknown and
/// goes back to the pipeline, which reads before it writes again. On a 401 the token is invalidated,
/// refreshed once and the call retried once. Pass the run's `RetryExecutor` so an outage fails fast.
public struct SkylarkClient: Sendable {
    /// The API root, always ending in `/` (e.g. `http://127.0.0.1:8080/api/`).
    public let apiURL: String
    /// The origin of `apiURL`, the only one the bearer token is sent to (nil: not an http(s) URL).
    let apiOrigin: URLOrigin?
    let http: any HTTPClient
    let tokens: any TokenProvider
    let retry: RetryExecutor
    let logger: Logger
    /// Requests are given this long in all (uploads included).
    let timeout: Duration

    /// Creates a client for the API at `apiURL`.
    public init(apiURL: String, httpClient: any HTTPClient, tokenProvider: any TokenProvider,
                retry: RetryExecutor = .skylarkDefault, logger: Logger = Logger(label: "skylark.api"),
                timeout: Duration = .seconds(120)) {
        self.apiURL = apiURL.hasSuffix("/") ? apiURL : apiURL + "/"
        self.apiOrigin = URLOrigin(self.apiURL).flatMap { $0.hasUserInfo ? nil : $0 }
        self.http = httpClient
        self.tokens = tokenProvider
        self.retry = retry
        self.logger = logger
        self.timeout = timeout
    }

    // MARK: URLs

    /// The full URL for `reference`: an absolute URL as is, an absolute path (`/api/…`, as in `self`
    /// values) against the API's origin, anything else relative to the API root.
    public func url(for reference: String) -> String {
        if SkylarkClient.isAbsolute(reference) { return reference }
        if reference.hasPrefix("/") { return origin + reference }
        return apiURL + reference
    }

    /// Whether `reference` starts with `http://` or `https://` (the scheme compared case-insensitively).
    static func isAbsolute(_ reference: String) -> Bool {
        let scheme = reference.prefix(8).lowercased()
        return scheme.hasPrefix("http://") || scheme.hasPrefix("https://")
    }

    /// Whether a request to `target` (a URL from `url(for:)`) carries the bearer token: only when its
    /// origin (scheme, host, port; case-insensitive, default ports filled in; no user info) is the API's.
    /// Throws `SKYLARK_INSECURE_URL`, before anything is sent, for plain `http://` to a host that is not
    /// loopback, and for a URL whose authority cannot be parsed safely.
    func sendsToken(to target: String) throws -> Bool {
        guard let origin = URLOrigin(target) else {
            throw IngestError(code: .skylarkInsecureURL,
                              message: "refusing to call a URL whose host cannot be read safely",
                              hint: "the URL was \(Redaction.urlWithoutQuery(target)); check SKYLARK_API_URL "
                                  + "and the URLs the API answers with")
        }
        guard origin.isSecureTransport else {
            throw IngestError(code: .skylarkInsecureURL,
                              message: "refusing to call \(origin.host) over plain http (only loopback hosts may use http://)",
                              hint: "the URL was \(Redaction.urlWithoutQuery(target)); use https://")
        }
        guard let apiOrigin, !origin.hasUserInfo else { return false }
        return origin.scheme == apiOrigin.scheme && origin.host == apiOrigin.host && origin.port == apiOrigin.port
    }

    /// `scheme://host[:port]` of the API root.
    var origin: String {
        guard let scheme = apiURL.range(of: "://") else { return "" }
        let rest = apiURL[scheme.upperBound...]
        let end = rest.firstIndex(of: "/") ?? rest.endIndex
        return String(apiURL[..<end])
    }

    /// `reference` with `query` appended, each name and value percent-encoded.
    static func withQuery(_ reference: String, _ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return reference }
        let encoded = query.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
        return reference + (reference.contains("?") ? "&" : "?") + encoded
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// A path relative to the API root for messages and logs (`assets/?slug=x`), else the URL without
    /// user info.
    /// Secret-looking query values (`token=`, `signature=`, …) are masked.
    func displayPath(_ url: String) -> String {
        if url.hasPrefix(apiURL) { return Redaction.url(String(url.dropFirst(apiURL.count))) }
        if url.hasPrefix(origin) { return Redaction.url(String(url.dropFirst(origin.count))) }
        return Redaction.url(url)
    }

    // MARK: Sending

    /// Sends one call with the bearer token; returns a 2xx response or throws `SkylarkAPIError`.
    func send(_ method: String, _ reference: String, body: HTTPBody = .none, contentType: String? = nil)
        async throws -> HTTPResponse {
        let target = url(for: reference)
        let path = displayPath(target)
        guard try sendsToken(to: target) else {
            // Another origin (e.g. a storage host's upload URL): the bearer token is not theirs to see.
            let response = try await attempt(method, target, path: path, body: body, contentType: contentType,
                                             token: nil)
            guard (200..<300).contains(response.status) else {
                throw SkylarkAPIError(response: response, method: method, path: path)
            }
            return response
        }
        var token = try await tokens.idToken()
        var response = try await attempt(method, target, path: path, body: body, contentType: contentType,
                                         token: token)
        if response.status == 401 {
            await tokens.invalidate(token)
            let fresh = try await tokens.idToken()
            if fresh != token {
                logger.debug("401: retrying once with a refreshed token", metadata: ["call": "\(method) \(path)"])
                token = fresh
                response = try await attempt(method, target, path: path, body: body, contentType: contentType,
                                             token: token)
            }
        }
        guard (200..<300).contains(response.status) else {
            throw SkylarkAPIError(response: response, method: method, path: path)
        }
        return response
    }

    private func attempt(_ method: String, _ target: String, path: String, body: HTTPBody, contentType: String?,
                         token: Secret?) async throws -> HTTPResponse {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let token { headers.add("Authorization", "Bearer \(token.revealed)") }
        if let contentType { headers.add("Content-Type", contentType) }
        let idempotent = method == "GET" || method == "HEAD"
        var request = HTTPRequest(method: method, url: target, headers: headers, body: body, timeout: timeout)
        request.repeatable = idempotent
        let started = ContinuousClock.now
        let call = "\(method) \(path)"
        let response = try await retry.run(operation: { _ in try await http.execute(request) }, classify: { result in
            let decision = SkylarkClient.classify(result, idempotent: idempotent)
            if decision.isRetryable { logger.debug("retrying", metadata: ["call": "\(call)"]) }
            return decision
        })
        let elapsed = (ContinuousClock.now - started).components
        let milliseconds = elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000
        logger.debug("\(method) \(path) → \(response.status)", metadata: ["ms": "\(milliseconds)"])
        return response
    }

    /// Whether an attempt may be repeated: GETs on transient statuses and retryable transport errors.
    /// POSTs (not idempotent) only when the request provably never reached the server: no connection
    /// was made. Any answer leaves a POST's outcome unknown, 429 and 503 included (a gateway may give
    /// them after the backend stored the write), and so do timeouts and resets: the pipeline reads
    /// back (reconciles) before it writes again, and honours the answer's `Retry-After` there.
    static func classify(_ result: Result<HTTPResponse, any Error>, idempotent: Bool) -> RetryClassification {
        switch result {
        case .success(let response):
            guard idempotent else { return .notRetryable }
            switch response.status {
            case 408, 429, 500, 502, 503, 504: return .retryable(retryAfter: response.retryAfter)
            default: return .notRetryable
            }
        case .failure(let error as TransportError):
            let neverSent = error.kind == .couldNotConnect || error.kind == .couldNotResolve
            let retry = error.isRetryable && (idempotent || neverSent)
            return retry ? .retryable(retryAfter: nil) : .notRetryable
        case .failure:
            return .notRetryable
        }
    }

    // MARK: JSON

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, method: String, reference: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw SkylarkResponseError(message: "a body that is not the expected \(T.self) JSON (\(error.shortDescription))",
                                       method: method, path: displayPath(url(for: reference)))
        }
    }

    /// `GET reference` decoded as `T`.
    func get<T: Decodable>(_ reference: String, query: [(String, String)] = [], as type: T.Type = T.self)
        async throws -> T {
        let full = SkylarkClient.withQuery(reference, query)
        let response = try await send("GET", full)
        return try decode(type, from: response, method: "GET", reference: full)
    }

    /// `GET reference` decoded as `T`, or nil when the server answers 404.
    func getIfPresent<T: Decodable>(_ reference: String, as type: T.Type = T.self) async throws -> T? {
        do {
            return try await get(reference, as: type)
        } catch let error as SkylarkAPIError where error.status == 404 {
            return nil
        }
    }

    /// `POST reference` with a JSON body, decoded as `T`.
    func post<T: Decodable>(_ reference: String, json: some Encodable, as type: T.Type = T.self) async throws -> T {
        let body = try Array(SkylarkClient.encoder.encode(json))
        let response = try await send("POST", reference, body: .bytes(body), contentType: "application/json")
        return try decode(type, from: response, method: "POST", reference: reference)
    }

    // MARK: Paging

    /// One page of the list at `reference`.
    public func page<T: Decodable & Sendable>(_ reference: String, query: [(String, String)] = [], start: Int = 0,
                                              limit: Int = 100, of type: T.Type = T.self) async throws -> Page<T> {
        try await get(reference, query: query + [("start", String(start)), ("limit", String(limit))],
                      as: Page<T>.self)
    }

    /// Every object of the list at `reference`, page by page (bounded to 10,000 pages).
    public func allPages<T: Decodable & Sendable>(_ reference: String, query: [(String, String)] = [],
                                                  pageSize: Int = 100, of type: T.Type = T.self) async throws -> [T] {
        var objects: [T] = []
        var start = 0
        for _ in 0..<10_000 {
            let page = try await page(reference, query: query, start: start, limit: pageSize, of: type)
            objects += page.objects
            start += page.objects.count
            if page.objects.isEmpty { break }
            if let total = page.meta?.total {
                if start >= total { break }
            } else if page.objects.count < pageSize {
                break
            }
        }
        return objects
    }
}

extension Error {
    /// A one-line description for messages (decoding errors are long).
    var shortDescription: String {
        if let decoding = self as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, _): return "missing field \(key.stringValue)"
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return path.isEmpty ? context.debugDescription : "bad field \(path)"
            @unknown default: return "undecodable"
            }
        }
        return String(describing: self)
    }
}
