import Testing
@testable import HTTPEngine

struct HeaderLineTests {
    private func parse(_ text: String) -> HeaderLine {
        Array(text.utf8).withUnsafeBytes { HeaderLine.parse($0) }
    }

    @Test func aFieldIsSplitAtItsFirstColonWithSpacesTabsAndLineEndTrimmed() {
        #expect(parse("ETag: \"abc\"\r\n") == .field(name: "ETag", value: "\"abc\""))
        #expect(parse(" \tX-Amz-Meta-Asset :\t {\"uid\": \"a:b\"}  \r\n") == .field(name: "X-Amz-Meta-Asset", value: "{\"uid\": \"a:b\"}"))
        #expect(parse("Location: http://h:1/x\n") == .field(name: "Location", value: "http://h:1/x"))
    }

    @Test func anEmptyValueIsKeptAndAValueOutsideASCIIArrivesAsUTF8() {
        #expect(parse("X-Empty:\r\n") == .field(name: "X-Empty", value: ""))
        #expect(parse("X-Title: Müller\u{00A0}\r\n") == .field(name: "X-Title", value: "Müller\u{00A0}"))
    }

    @Test func aStatusLineStartsANewBlockAndLinesWithoutANameAreIgnored() {
        #expect(parse("HTTP/1.1 100 Continue\r\n") == .status)
        #expect(parse("HTTP/2 200\r\n") == .status)
        #expect(parse("\r\n") == .other)
        #expect(parse(": no name\r\n") == .other)
        #expect(parse("garbage without colon\r\n") == .other)
        #expect(parse("") == .other)
    }
}
