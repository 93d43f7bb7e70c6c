import Foundation
import IngestTestSupport
import IngestCore
import Testing

/// The journal's timestamps read without date formatters (the replay reads one per record) and written back.
@Suite(.offThePool) struct JournalTimeTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00.000Z", Int64(0)), ("2026-11-25T15:04:05.123Z", Int64(1_795_619_045_123)),
        ("2000-02-29T23:59:59.999Z", Int64(951_868_799_999)), ("2100-03-01T00:00:00.000Z", Int64(4_107_542_400_000)),
        ("1969-12-31T23:59:59.000Z", Int64(-1000)),
    ])
    func timestampsReadAsMillisecondsSince1970AndBack(text: String, milliseconds: Int64) {
        #expect(JournalTime.milliseconds(text) == milliseconds)
        #expect(JournalTime.text(milliseconds) == text)
    }

    @Test func everyDayOfFourHundredYearsAgreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var milliseconds: Int64 = -86_400_000 * 365
        while milliseconds < 86_400_000 * 146_097 {
            let text = JournalTime.text(milliseconds)
            #expect(formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == milliseconds, "\(text)")
            milliseconds += 86_400_000 * 7 + 3_723_456
        }
    }

    @Test(arguments: ["", "2026-11-25", "2026-11-25T15:04:05.123", "2026-13-01T00:00:00.000Z", "2026-11-25T15:04:05.12Z",
                      "2026-11-25 15:04:05.123Z", "2026-11-25T25:00:00.000Z", "abcd-11-25T15:04:05.123Z"])
    func anythingElseIsNotATimestamp(text: String) {
        #expect(JournalTime.milliseconds(text) == nil)
    }

    @Test func timestampsWithoutMillisecondsAreRead() {
        #expect(JournalTime.milliseconds("2026-11-25T15:04:05Z") == 1_795_619_045_000)
    }
}
