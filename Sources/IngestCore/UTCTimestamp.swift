import Foundation

/// ISO-8601 UTC timestamps for log lines, formatted by hand: `ISO8601DateFormatter` (ICU, one per call) and
/// `String(format:)` cost more per line than the rest of a log record.
public enum UTCTimestamp {
    /// `2026-12-05T09:41:07Z`, or with `milliseconds` `2026-12-05T09:41:07.215Z`.
    public static func string(_ date: Date, milliseconds: Bool = false) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var text = ""
        text.reserveCapacity(24)
        func append(_ value: Int, _ width: Int, then separator: String) {
            let plain = String(value)
            if plain.count < width { text += String(repeating: "0", count: width - plain.count) }
            text += plain + separator
        }
        append(Int(parts.tm_year) + 1900, 4, then: "-")
        append(Int(parts.tm_mon) + 1, 2, then: "-")
        append(Int(parts.tm_mday), 2, then: "T")
        append(Int(parts.tm_hour), 2, then: ":")
        append(Int(parts.tm_min), 2, then: ":")
        append(Int(parts.tm_sec), 2, then: milliseconds ? "." : "Z")
        if milliseconds { append(min(999, Int((date.timeIntervalSince1970 - seconds) * 1000)), 3, then: "Z") }
        return text
    }
}
