import Foundation

/// Whether a failed attempt is worth repeating.
public enum RetryClassification: Sendable, Hashable {
    /// Try again, waiting at least `retryAfter` when the server said so.
    case retryable(retryAfter: Duration?)
    /// Give up: the outcome is final (success, a client error, a local failure).
    case notRetryable

    /// Whether this is `.retryable`.
    public var isRetryable: Bool {
        if case .retryable = self { return true }
        return false
    }
}

extension RetryClassification {
    /// HTTP statuses that are retried by default: 408, 429, 500, 502, 503, 504.
    public static let retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]

    /// The default decision for a response: retry the statuses above, honouring `Retry-After`.
    public static func `default`(for response: HTTPResponse, now: Date = Date()) -> RetryClassification {
        guard retryableStatuses.contains(response.status) else { return .notRetryable }
        return .retryable(retryAfter: response.headers["Retry-After"].flatMap { parseRetryAfter($0, now: now) })
    }

    /// The default decision for an error: retryable transport failures (resets, timeouts, refused
    /// connections) are retried; cancellation, local file errors, TLS trust and anything else are not.
    public static func `default`(for error: any Error) -> RetryClassification {
        if let transport = error as? TransportError, transport.isRetryable { return .retryable(retryAfter: nil) }
        return .notRetryable
    }

    /// The default decision for the outcome of one attempt.
    public static func `default`(for result: Result<HTTPResponse, any Error>) -> RetryClassification {
        switch result {
        case .success(let response): return .default(for: response)
        case .failure(let error): return .default(for: error)
        }
    }

    /// A `Retry-After` value: delay seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`);
    /// nil when unreadable. Dates in the past give zero.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        guard let date = httpDate(text) else { return nil }
        let seconds = date.timeIntervalSince(now)
        return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded(.up))) : .zero
    }

    /// An HTTP date (RFC 9110: IMF-fixdate, and the obsolete RFC 850 and asctime forms), nil when unreadable.
    public static func httpDate(_ value: String) -> Date? {
        let text = value.trimmingCharacters(in: .whitespaces)
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
