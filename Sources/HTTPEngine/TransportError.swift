import Foundation
import IngestCore

/// A request that got no HTTP response.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible, IngestErrorConvertible {
    public enum Kind: String, Sendable, Hashable {
        case couldNotResolve, couldNotConnect, timedOut, connectionReset, tls, sendFailed, receiveFailed,
             fileReadFailed, cancelled, other
    }

    public var kind: Kind
    /// curl's message (never contains headers or bodies).
    public var message: String
    /// The URL without its query string (queries may carry presigned credentials).
    public var url: String
    /// The system error behind it (CURLINFO_OS_ERRNO), when curl knows one: `ECONNREFUSED`, ….
    public var systemError: Int32?

    public init(kind: Kind, message: String, url: String, systemError: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.url = url
        self.systemError = systemError.flatMap { $0 == 0 ? nil : $0 }
    }

    /// Whether trying again may help (not for cancellation, local file errors or TLS trust).
    public var isRetryable: Bool {
        switch self.kind {
        case .cancelled, .fileReadFailed, .tls, .couldNotResolve: return false
        default: return true
        }
    }

    /// What went wrong, in words (never the case name): `could not connect to 127.0.0.1:9 (connection
    /// refused)`, `timed out after 30.0 s waiting for s3.example.com`, `connection reset by the server
    /// (s3.example.com)`. curl's own message follows when it adds something.
    public var summary: String {
        let host = TransportError.hostAndPort(of: url)
        let reason = systemError.flatMap(TransportError.reason(forErrno:))
        switch kind {
        case .couldNotResolve:
            return "could not resolve the host name \(host)" + detail
        case .couldNotConnect:
            return "could not connect to \(host)" + (reason.map { " (\($0))" } ?? detail)
        case .timedOut:
            let after = TransportError.milliseconds(in: message).map { String(format: " after %.1f s", Double($0) / 1000) } ?? ""
            return "timed out\(after) waiting for \(host)"
        case .connectionReset:
            return "connection reset by the server (\(host))"
        case .tls:
            return "TLS (https) with \(host) failed" + detail
        case .sendFailed:
            return "sending the request to \(host) failed" + (reason.map { " (\($0))" } ?? detail)
        case .receiveFailed:
            return "receiving the answer from \(host) failed" + (reason.map { " (\($0))" } ?? detail)
        case .fileReadFailed:
            return "could not read the file to send" + detail
        case .cancelled:
            return "request to \(host) cancelled" + detail
        case .other:
            return "network error talking to \(host)" + detail
        }
    }

    /// `: <curl message>`, or nothing when there is none.
    private var detail: String { message.isEmpty ? "" : ": \(message)" }

    public var description: String { "\(summary) — \(url)" }

    public var ingestError: IngestError {
        let code: ErrorCode
        switch kind {
        case .timedOut: code = .netTimeout
        case .couldNotConnect, .couldNotResolve: code = .netConnect
        case .connectionReset, .sendFailed, .receiveFailed: code = .netConnectionReset
        case .tls: code = .netTLS
        case .cancelled: code = .cancelled
        case .fileReadFailed: code = .fileRead
        case .other: code = .netError
        }
        return IngestError(code: code, message: "\(summary) — \(url)", retryable: isRetryable)
    }

    /// `host[:port]` of `url` (no user info), or the URL itself when it has no `scheme://`.
    static func hostAndPort(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        var authority = url[schemeEnd.upperBound...]
        if let end = authority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { authority = authority[..<end] }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        return String(authority)
    }

    /// Words for the system errors a connection fails with.
    static func reason(forErrno code: Int32) -> String? {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ECONNRESET: return "connection reset by the server"
        case EPIPE: return "the server closed the connection"
        case ECONNABORTED: return "connection aborted"
        case EHOSTUNREACH: return "no route to host"
        case ENETUNREACH: return "network unreachable"
        case ETIMEDOUT: return "timed out"
        case EADDRNOTAVAIL: return "address not available"
        default: return nil
        }
    }

    /// The `N` of curl's `… after N milliseconds …` / `… after N ms …`.
    static func milliseconds(in message: String) -> Int? {
        guard let after = message.range(of: "after ") else { return nil }
        let digits = message[after.upperBound...].prefix { $0.isNumber }
        let rest = message[after.upperBound...].dropFirst(digits.count)
        guard !digits.isEmpty, rest.hasPrefix(" milliseconds") || rest.hasPrefix(" ms") else { return nil }
        return Int(digits)
    }
}
