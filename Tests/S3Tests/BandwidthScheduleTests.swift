import Foundation
import HTTPEngine
import S3
import Testing

/// `--max-bandwidth` as a plain rate or a timetable in rclone's `--bwlimit` syntax: the parser, the
/// lookup at a moment of the week, and the shared limiter following it, all with fixed clocks.
@Suite struct BandwidthScheduleTests {
    static let tenMiB: Int64 = 10 * 1024 * 1024
    static let oneMiB: Int64 = 1024 * 1024
    static let halfMiB: Int64 = 512 * 1024

    static var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    /// 2026-12-07 is a Monday.
    static func date(_ day: Int, _ hour: Int, _ minute: Int, _ second: Int = 0) -> Date {
        utc.date(from: DateComponents(year: 2026, month: 12, day: 7 + day, hour: hour, minute: minute, second: second))!
    }

    @Test func aPlainRateIsOneConstantLimit() throws {
        let schedule = try BandwidthSchedule(parsing: "50MB/s")
        #expect(!schedule.isTimetable)
        #expect(schedule.limit(at: .init(day: 3, hour: 12, minute: 0)) == 50_000_000)
        #expect(schedule.minutesToNextChange(after: .init(minute: 0)) == nil)
        #expect(try BandwidthSchedule(parsing: "off").limit(at: .init(minute: 5)) == nil)
        #expect(try BandwidthSchedule(parsing: "0").makeLimiter() == nil, "0 is no limit, as before")
    }

    @Test func aDailyTimetableLimitsByDayAndLiftsAtNight() throws {
        let schedule = try BandwidthSchedule(parsing: "08:00,10M 19:00,off")
        #expect(schedule.isTimetable)
        #expect(schedule.entries.count == 14, "two entries on each of seven days")
        for day in 0..<7 {
            #expect(schedule.limit(at: .init(day: day, hour: 7, minute: 59)) == nil)
            #expect(schedule.limit(at: .init(day: day, hour: 8, minute: 0)) == Self.tenMiB)
            #expect(schedule.limit(at: .init(day: day, hour: 18, minute: 59)) == Self.tenMiB)
            #expect(schedule.limit(at: .init(day: day, hour: 19, minute: 0)) == nil)
        }
        // Before the week's first entry (Monday 08:00) the week's last one (Sunday 19:00) is in force.
        #expect(schedule.limit(at: .init(minute: 0)) == nil)
        #expect(schedule.minutesToNextChange(after: .init(day: 0, hour: 7, minute: 0)) == 60)
        #expect(schedule.minutesToNextChange(after: .init(day: 6, hour: 20, minute: 0)) == 12 * 60, "wraps to Monday")
    }

    @Test func weekdayEntriesFollowRclonesSyntax() throws {
        let schedule = try BandwidthSchedule(parsing: "Mon-00:00,512K Fri-23:59,10M Sat-10:00,1M Sunday-20:00,off")
        #expect(schedule.limit(at: .init(day: 2, hour: 12, minute: 0)) == Self.halfMiB)
        #expect(schedule.limit(at: .init(day: 4, hour: 23, minute: 59)) == Self.tenMiB)
        #expect(schedule.limit(at: .init(day: 5, hour: 9, minute: 0)) == Self.tenMiB)
        #expect(schedule.limit(at: .init(day: 5, hour: 10, minute: 0)) == Self.oneMiB)
        #expect(schedule.limit(at: .init(day: 6, hour: 23, minute: 0)) == nil)
        // An upload:download pair keeps its upload rate; a day entry wins over an every-day one.
        let mixed = try BandwidthSchedule(parsing: "08:00,1M:off Sat-08:00,off 18:00,off")
        #expect(mixed.limit(at: .init(day: 1, hour: 9, minute: 0)) == Self.oneMiB)
        #expect(mixed.limit(at: .init(day: 5, hour: 9, minute: 0)) == nil)
    }

    @Test(arguments: [
        ("", "is empty"), ("08:00", "not [DAY-]HH:MM,RATE"), ("8:00,1M 19:00,off", "not a time of day"),
        ("24:00,1M", "not a time of day"), ("08:60,1M", "not a time of day"), ("Xyz-08:00,1M", "not a day"),
        ("08:00,fast", "cannot read 'fast' as a rate"), ("08:00,1M 08:00,2M", "two entries for 08:00"), ("lots", "as a rate"),
    ])
    func badTimetablesNameTheEntryAndTheExpectedForm(text: String, expected: String) {
        #expect {
            try BandwidthSchedule(parsing: text)
        } throws: { error in
            (error as? BandwidthScheduleError)?.message.contains(expected) == true
        }
    }

    @Test func theLocalTimeIsTheCalendarsWeekdayAndMinute() {
        #expect(BandwidthSchedule.WeekMinute(Self.date(0, 0, 0), calendar: Self.utc) == .init(minute: 0))
        #expect(BandwidthSchedule.WeekMinute(Self.date(6, 23, 59), calendar: Self.utc) == .init(day: 6, hour: 23, minute: 59))
        var paris = Self.utc
        paris.timeZone = TimeZone(identifier: "Europe/Paris")!
        #expect(BandwidthSchedule.WeekMinute(Self.date(0, 7, 30), calendar: paris) == .init(day: 0, hour: 8, minute: 30))
    }

    @Test func theSharedLimiterFollowsTheTimetableAsAFakeClockPasses() throws {
        let schedule = try BandwidthSchedule(parsing: "08:00,10M 19:00,off")
        let limiter = try #require(schedule.makeLimiter(at: Self.date(1, 6, 0), calendar: Self.utc))
        #expect(limiter.bytesPerSecond == nil, "created at night: no limit, but ready for the morning")
        #expect(limiter.take(upTo: 50_000_000) == 50_000_000)

        var step = schedule.apply(to: limiter, at: Self.date(1, 7, 58, 30), calendar: Self.utc)
        #expect(step.bytesPerSecond == nil)
        #expect(step.next == .seconds(90), "woken at 08:00 sharp")
        step = schedule.apply(to: limiter, at: Self.date(1, 8, 0), calendar: Self.utc)
        #expect(step.bytesPerSecond == Self.tenMiB && limiter.bytesPerSecond == Self.tenMiB)
        #expect(step.next == .seconds(300), "looks again within five minutes (clock or zone changes)")
        let start = ContinuousClock.now
        #expect(limiter.take(upTo: 50_000_000, now: start) <= Int(limiter.burst), "limited now")
        #expect(limiter.waitTime(now: start) > .zero)
        step = schedule.apply(to: limiter, at: Self.date(1, 19, 0, 1), calendar: Self.utc)
        #expect(step.bytesPerSecond == nil && limiter.bytesPerSecond == nil)
        #expect(limiter.waitTime(now: start) == .zero, "a request paused for the rate goes on at once")
        #expect(limiter.take(upTo: 50_000_000, now: start) == 50_000_000)
    }
}
