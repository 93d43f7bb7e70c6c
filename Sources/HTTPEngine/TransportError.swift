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

    public init(kind: Kind, message: String, url: String) {
        self.kind = kind
        self.message = message
        self.url = url
    }

    /// Whether trying again may help (not for cancellation, local file errors or TLS trust).
    public var isRetryable: Bool {
        switch self.kind {
        case .cancelled, .fileReadFailed, .tls, .couldNotResolve: return false
        default: return true
        }
    }

    public var description: String { "\(kind.rawValue): \(message) (\(url))" }

    public var ingestError: IngestError {
        let code: String
        switch kind {
        case .timedOut: code = "NET_TIMEOUT"
        case .couldNotConnect, .couldNotResolve: code = "NET_CONNECT"
        case .connectionReset, .sendFailed, .receiveFailed: code = "NET_CONNECTION_RESET"
        case .tls: code = "NET_TLS"
        case .cancelled: code = "CANCELLED"
        case .fileReadFailed: code = "FILE_READ"
        case .other: code = "NET_ERROR"
        }
        return IngestError(code: code, message: "\(kind.rawValue) talking to \(url): \(message)", retryable: isRetryable)
    }
}
