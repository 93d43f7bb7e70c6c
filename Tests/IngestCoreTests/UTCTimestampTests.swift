import Foundation
import IngestCore
import Testing

struct UTCTimestampTests {
    @Test func formatsUTCWithZeroPaddingAsISO8601DateFormatterDoes() {
        let formatter = ISO8601DateFormatter()
        for seconds in [0.0, 86_399.0, 951_782_400.0, 1_733_390_467.0, 4_102_444_799.0] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(UTCTimestamp.string(date) == formatter.string(from: date))
        }
        #expect(UTCTimestamp.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }

    @Test func millisecondsAreTruncatedAndPaddedToThreeDigits() {
        #expect(UTCTimestamp.string(Date(timeIntervalSince1970: 1_733_390_467.2159), milliseconds: true)
                == "2024-12-05T09:21:07.215Z")
        #expect(UTCTimestamp.string(Date(timeIntervalSince1970: 1_733_390_467.0075), milliseconds: true).hasSuffix(":07.007Z"))
        #expect(UTCTimestamp.string(Date(timeIntervalSince1970: 1_733_390_467), milliseconds: true).hasSuffix(":07.000Z"))
    }
}
