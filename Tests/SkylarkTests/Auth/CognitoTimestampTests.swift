import Foundation
import Testing
@testable import Skylark

@Suite struct CognitoTimestampTests {
    private func date(_ iso: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: iso))
    }

    @Test func dayOfMonthIsNotZeroPaddedButTimeIs() throws {
        #expect(CognitoTimestamp.string(for: try date("2026-11-01T09:05:03Z")) == "Sun Nov 1 09:05:03 UTC 2026")
    }

    @Test func twoDigitDayAndEveryWeekdayAndMonthName() throws {
        #expect(CognitoTimestamp.string(for: try date("2026-11-25T15:04:05Z")) == "Wed Nov 25 15:04:05 UTC 2026")
        #expect(CognitoTimestamp.string(for: try date("2028-02-29T23:59:59Z")) == "Tue Feb 29 23:59:59 UTC 2028")
        #expect(CognitoTimestamp.string(for: try date("2027-01-03T00:00:01Z")) == "Sun Jan 3 00:00:01 UTC 2027")
        let start = try date("2026-01-05T12:00:00Z") // a Monday
        let names = (0..<7).map { CognitoTimestamp.string(for: start.addingTimeInterval(Double($0) * 86_400)) }
            .map { String($0.prefix(3)) }
        #expect(names == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
        let months = (1...12).map { m -> String in
            let d = try? date(String(format: "2026-%02d-15T00:00:00Z", m))
            return String(CognitoTimestamp.string(for: d ?? Date()).dropFirst(4).prefix(3))
        }
        #expect(months == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
    }

    @Test func usesUTCWhateverTheFractionalSeconds() throws {
        let d = try date("2026-06-07T07:08:09Z").addingTimeInterval(0.999)
        #expect(CognitoTimestamp.string(for: d) == "Sun Jun 7 07:08:09 UTC 2026")
    }
}
