import Foundation

/// The `TIMESTAMP` of a `PASSWORD_VERIFIER` answer: `EEE MMM d HH:mm:ss 'UTC' yyyy`, English, UTC.
///
/// The day of the month is not zero-padded (`Sun Nov 1 09:05:03 UTC 2026`); hours, minutes and
/// seconds are. Built by hand so no locale or formatter cache can change it.
public enum CognitoTimestamp {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The timestamp string for `date`.
    public static func string(for date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.weekday, .year, .month, .day, .hour, .minute, .second], from: date)
        let weekday = weekdays[(c.weekday ?? 1) - 1]
        let month = months[(c.month ?? 1) - 1]
        return "\(weekday) \(month) \(c.day ?? 1) \(two(c.hour)):\(two(c.minute)):\(two(c.second)) UTC \(c.year ?? 1970)"
    }

    private static func two(_ value: Int?) -> String {
        let v = value ?? 0
        return v < 10 ? "0\(v)" : "\(v)"
    }
}
