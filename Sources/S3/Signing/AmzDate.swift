import Foundation

/// The SigV4 timestamp forms of one instant: `20150830T123600Z` and the scope date `20150830`.
public struct AmzDate: Sendable, Hashable {
    /// `YYYYMMDD'T'HHMMSS'Z'` in UTC.
    public let timestamp: String
    /// The instant, to whole seconds.
    public let date: Date
    /// `YYYYMMDD` in UTC.
    public var day: String { String(timestamp.prefix(8)) }

    /// The forms of `date` (UTC, whole seconds).
    public init(_ date: Date) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        self.date = Date(timeIntervalSince1970: TimeInterval(seconds))
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let (y, m, d) = AmzDate.civil(fromDays: days)
        timestamp = AmzDate.pad(y, 4) + AmzDate.pad(m, 2) + AmzDate.pad(d, 2) + "T"
            + AmzDate.pad(rest / 3600, 2) + AmzDate.pad(rest % 3600 / 60, 2) + AmzDate.pad(rest % 60, 2) + "Z"
    }

    /// Parses `YYYYMMDD'T'HHMMSS'Z'`; nil when malformed.
    public init?(timestamp: String) {
        let chars = Array(timestamp.utf8)
        guard chars.count == 16, chars[8] == UInt8(ascii: "T"), chars[15] == UInt8(ascii: "Z"),
              let y = Int64(String(decoding: chars[0..<4], as: UTF8.self)),
              let m = Int64(String(decoding: chars[4..<6], as: UTF8.self)),
              let d = Int64(String(decoding: chars[6..<8], as: UTF8.self)),
              let hh = Int64(String(decoding: chars[9..<11], as: UTF8.self)),
              let mm = Int64(String(decoding: chars[11..<13], as: UTF8.self)),
              let ss = Int64(String(decoding: chars[13..<15], as: UTF8.self)) else { return nil }
        let days = AmzDate.days(fromCivil: y, m, d)
        self.init(Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hh * 3600 + mm * 60 + ss)))
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    // Howard Hinnant's civil-from-days and days-from-civil algorithms.
    private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
