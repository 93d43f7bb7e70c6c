import Foundation
import HTTPEngine
import Synchronization

/// The difference between S3's clock and ours, learnt from a `RequestTimeTooSkewed` answer and added
/// to every later signature's date (the AWS SDKs' clock-skew correction).
public final class ClockSkew: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    public init() {}

    /// Seconds to add to the local clock.
    public var seconds: TimeInterval { offset.withLock { $0 } }

    /// Learns the offset from a server time seen at local time `now`.
    public func learn(serverTime: Date, now: Date) {
        let seconds = serverTime.timeIntervalSince(now)
        offset.withLock { $0 = seconds }
    }

    /// The server's time in an answer: the `ServerTime` of a `RequestTimeTooSkewed` error document
    /// (ISO 8601), else the `Date` header (HTTP date); nil when neither can be read.
    public static func serverTime(xmlServerTime: String?, dateHeader: String?) -> Date? {
        if let text = xmlServerTime?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            let iso = ISO8601DateFormatter()
            iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = iso.date(from: text) { return date }
            iso.formatOptions = [.withInternetDateTime]
            if let date = iso.date(from: text) { return date }
        }
        return dateHeader.flatMap(RetryClassification.httpDate)
    }
}
