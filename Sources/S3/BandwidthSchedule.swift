import Foundation
import HTTPEngine

/// `--max-bandwidth`: a plain rate (`50MB/s`, `off`) or a weekly timetable in rclone's `--bwlimit` syntax,
/// e.g. `"08:00,10M 19:00,off"` or `"Mon-08:00,512K Sat-00:00,off"`.
///
/// Entries are separated by spaces; each is `[DAY-]HH:MM,RATE` in local time, where RATE is a size per
/// second (`ByteSize`), `off` (no limit) or `0` (no limit), and an `UP:DOWN` pair (as rclone takes) keeps
/// its upload rate. An entry without a day applies every day. The limit in force at a moment is the one
/// of the latest entry at or before it in the week, wrapping round from the week's last entry, so
/// `"08:00,10M 19:00,off"` limits from 08:00 to 19:00 and nothing overnight. Pure: the caller turns
/// the local time into a `WeekMinute`.
public struct BandwidthSchedule: Sendable, Hashable {
    /// Minutes in a week.
    public static let minutesPerWeek = 7 * 24 * 60

    /// A moment of the week, local time: `minute` counts from Monday 00:00 (0 ..< 10,080).
    public struct WeekMinute: Sendable, Hashable, Comparable {
        public var minute: Int

        public init(minute: Int) { self.minute = minute }

        /// `day` 0 = Monday … 6 = Sunday.
        public init(day: Int, hour: Int, minute: Int) { self.minute = (day * 24 + hour) * 60 + minute }

        /// The local time of `date` in `calendar`'s time zone.
        public init(_ date: Date, calendar: Calendar = .current) {
            let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
            // Calendar weekdays run Sunday = 1 … Saturday = 7.
            let day = ((parts.weekday ?? 2) + 5) % 7
            self.init(day: day, hour: parts.hour ?? 0, minute: parts.minute ?? 0)
        }

        public static func < (a: WeekMinute, b: WeekMinute) -> Bool { a.minute < b.minute }
    }

    /// One change of limit: from `start` on, `bytesPerSecond` (nil = no limit).
    public struct Entry: Sendable, Hashable {
        public var start: WeekMinute
        public var bytesPerSecond: Int64?
    }

    /// The changes in week order; one entry at minute 0 for a plain rate.
    public let entries: [Entry]
    /// Whether the limit changes with the time of day (a timetable, not a plain rate).
    public let isTimetable: Bool

    /// A constant limit (nil = none).
    public init(constant bytesPerSecond: Int64?) {
        self.init(entries: [Entry(start: WeekMinute(minute: 0), bytesPerSecond: bytesPerSecond)], isTimetable: false)
    }

    /// Parses `text`; the error message says which entry is wrong and how it should look.
    public init(parsing text: String) throws(BandwidthScheduleError) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard !words.isEmpty else { throw BandwidthScheduleError("is empty") }
        // One word without a comma is a plain rate, unless it is a bare time (`08:00`: an entry without its rate).
        if words.count == 1, !words[0].contains(","),
           !(words[0].contains(":") && words[0].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ":") })) {
            self.init(constant: try Self.rate(words[0], entry: words[0]))
            return
        }
        var seen: Set<String> = []
        var everyDay: [(minute: Int, rate: Int64?)] = [], oneDay: [(minute: Int, rate: Int64?)] = []
        for word in words {
            let parts = word.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw BandwidthScheduleError("'\(word)' is not [DAY-]HH:MM,RATE (as in \"08:00,10M 19:00,off\")")
            }
            guard seen.insert(parts[0].lowercased()).inserted else {
                throw BandwidthScheduleError("'\(word)': two entries for \(parts[0])")
            }
            let rate = try Self.rate(String(parts[1]), entry: word)
            let (days, minuteOfDay) = try Self.time(String(parts[0]), entry: word)
            for day in days {
                let slot = (minute: day * 24 * 60 + minuteOfDay, rate: rate)
                if days.count == 1 { oneDay.append(slot) } else { everyDay.append(slot) }
            }
        }
        // An entry for one day wins over an every-day entry at the same time.
        var byMinute: [Int: Int64?] = [:]
        for slot in everyDay + oneDay { byMinute.updateValue(slot.rate, forKey: slot.minute) }
        self.init(entries: byMinute.keys.sorted().map { Entry(start: WeekMinute(minute: $0), bytesPerSecond: byMinute[$0]!) },
                  isTimetable: true)
    }

    private init(entries: [Entry], isTimetable: Bool) {
        self.entries = entries
        self.isTimetable = isTimetable
    }

    /// The limit in force at `moment` (nil = none).
    public func limit(at moment: WeekMinute) -> Int64? {
        (entries.last { $0.start <= moment } ?? entries[entries.count - 1]).bytesPerSecond
    }

    /// Minutes from `moment` to the next entry (the limit may change then); nil for a plain rate.
    public func minutesToNextChange(after moment: WeekMinute) -> Int? {
        guard isTimetable else { return nil }
        if let next = entries.first(where: { $0.start > moment }) { return next.start.minute - moment.minute }
        return entries[0].start.minute + Self.minutesPerWeek - moment.minute
    }

    // MARK: Parsing

    private static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    private static let fullDayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// A rate: `off`, `0` (no limit), a size per second, or `UP:DOWN` (the upload part).
    private static func rate(_ text: String, entry: String) throws(BandwidthScheduleError) -> Int64? {
        let upload = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
        if upload.lowercased() == "off" { return nil }
        guard let bytes = ByteSize.parse(upload) else {
            throw BandwidthScheduleError("'\(entry)': cannot read '\(text)' as a rate (e.g. 10M, 50MB/s or off)")
        }
        return bytes > 0 ? bytes : nil
    }

    /// `[DAY-]HH:MM` → the days it applies to (0 = Monday) and its minute of the day.
    private static func time(_ text: String, entry: String) throws(BandwidthScheduleError) -> ([Int], Int) {
        var days = Array(0..<7)
        var clock = Substring(text)
        if let dash = text.firstIndex(of: "-") {
            let name = text[..<dash].lowercased()
            guard let day = dayNames.firstIndex(of: name) ?? fullDayNames.firstIndex(of: name) else {
                throw BandwidthScheduleError("'\(entry)': '\(text[..<dash])' is not a day (Mon, Tue, … Sun)")
            }
            days = [day]
            clock = text[text.index(after: dash)...]
        }
        let fields = clock.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2, fields.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
              let hour = Int(fields[0]), let minute = Int(fields[1]), (0..<24).contains(hour), (0..<60).contains(minute) else {
            throw BandwidthScheduleError("'\(entry)': '\(clock)' is not a time of day HH:MM (00:00 to 23:59)")
        }
        return (days, hour * 60 + minute)
    }
}

/// Why a `--max-bandwidth` value cannot be read.
public struct BandwidthScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension BandwidthSchedule {
    /// The limiter a run's uploads share: at the limit in force at `date`; nil for a constant "no limit".
    public func makeLimiter(at date: Date = Date(), calendar: Calendar = .current) -> SendRateLimiter? {
        let now = limit(at: WeekMinute(date, calendar: calendar))
        return now == nil && !isTimetable ? nil : SendRateLimiter(bytesPerSecond: now)
    }

    /// Puts `limiter` on the limit in force at `date` and returns it (nil = none) with how long to wait
    /// before looking again: until the next entry's minute, at most five minutes (so a clock or time
    /// zone change is followed within five minutes).
    public func apply(to limiter: SendRateLimiter, at date: Date, calendar: Calendar = .current)
        -> (bytesPerSecond: Int64?, next: Duration) {
        let moment = WeekMinute(date, calendar: calendar)
        let current = limit(at: moment)
        if limiter.bytesPerSecond != current { limiter.setRate(current) }
        let second = calendar.component(.second, from: date)
        let minutes = minutesToNextChange(after: moment) ?? 5
        let wait = max(1, min(minutes * 60, 300) - (minutes * 60 <= 300 ? second : 0))
        return (current, .seconds(wait))
    }

    /// Keeps `limiter` on this timetable as the local time passes, until the task is cancelled; calls
    /// `changed` with each new limit (nil = none), the first one included.
    public func follow(_ limiter: SendRateLimiter, changed: @Sendable (Int64?) -> Void = { _ in }) async {
        guard isTimetable else { return }
        var last: Int64?? = .none
        while !Task.isCancelled {
            let (current, next) = apply(to: limiter, at: Date())
            if last != .some(current) { changed(current) }
            last = .some(current)
            try? await Task.sleep(for: next)
        }
    }
}
