import Foundation
import Testing
@testable import IngestCore

/// The subtitle fixtures copied from the shared test data, with their INDEX.
enum SubtitleTestFixtures {
    /// The folder holding the fixture files.
    static var directory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("subtitles")
    }

    /// One INDEX.tsv row.
    struct Entry: Sendable, CustomTestStringConvertible {
        var file: String
        var valid: Bool
        var line: Int?
        var reason: String
        var testDescription: String { file }
    }

    /// The rows of INDEX.tsv.
    static func index() throws -> [Entry] {
        let text = try String(contentsOf: directory.appendingPathComponent("INDEX.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { row in
            let cells = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Entry(file: cells[0], valid: cells[1] == "valid", line: Int(cells[2]), reason: cells[3])
        }
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

private func check(_ text: String, _ format: SubtitleFormat) -> SubtitleCheckResult {
    SubtitleChecker.check(Array(text.utf8), format: format)
}

private func rules(_ result: SubtitleCheckResult) -> [String] { result.issues.map(\.rule) }

private func positions(_ result: SubtitleCheckResult) -> [String] {
    result.issues.map { "\($0.rule)@\($0.line):\($0.column)" }
}

@Suite struct SubtitleCheckerFixtureTests {
    /// The rule each invalid fixture must produce (INDEX.tsv gives only the line).
    static let expectedRules: [String: String] = [
        "invalid-timestamp.srt": "SUBTITLE_TIMESTAMP",
        "invalid-minutes-60.srt": "SUBTITLE_TIMESTAMP",
        "invalid-end-before-start.srt": "SUBTITLE_TIMING",
        "invalid-arrow.srt": "SUBTITLE_TIMESTAMP",
        "invalid-missing-blank-line.srt": "SUBTITLE_SYNTAX",
        "invalid-out-of-order.srt": "SUBTITLE_ORDER",
        "invalid-no-header.vtt": "SUBTITLE_SYNTAX",
        "invalid-vtt-comma.vtt": "SUBTITLE_TIMESTAMP",
        "invalid-empty.srt": "SUBTITLE_EMPTY",
        "invalid-latin1.srt": "SUBTITLE_ENCODING",
    ]

    @Test func indexListsEveryFixtureFile() throws {
        let listed = Set(try SubtitleTestFixtures.index().map(\.file))
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: SubtitleTestFixtures.directory.path))
            .subtracting(["INDEX.tsv"])
        #expect(listed == present)
        #expect(listed.count == 19)
    }

    @Test(arguments: try SubtitleTestFixtures.index())
    func fixtureMatchesIndex(_ entry: SubtitleTestFixtures.Entry) throws {
        let format = try #require(SubtitleFormat.from(path: entry.file))
        let result = SubtitleChecker.check(try SubtitleTestFixtures.bytes(entry.file), format: format)
        if entry.valid {
            #expect(result.issues.isEmpty, "\(entry.file): \(entry.reason)")
            #expect(result.cueCount > 0)
        } else {
            let rule = try #require(Self.expectedRules[entry.file])
            let matching = result.issues.filter { $0.rule == rule && (entry.line == nil || $0.line == entry.line) }
            #expect(!matching.isEmpty, "\(entry.file): \(entry.reason); got \(positions(result))")
        }
    }

    @Test(arguments: try SubtitleTestFixtures.index())
    func everyPrefixOfAFixtureIsCheckedWithPositionsInsideIt(_ entry: SubtitleTestFixtures.Entry) throws {
        let bytes = try SubtitleTestFixtures.bytes(entry.file)
        let format = try #require(SubtitleFormat.from(path: entry.file))
        for end in 0...bytes.count {
            let prefix = Array(bytes[0..<end])
            let lines = prefix.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
            let result = SubtitleChecker.check(prefix, format: format)
            #expect(result.issues.allSatisfy { $0.line >= 1 && $0.line <= lines && $0.column >= 1 }, "\(entry.file)[..<\(end)]")
            #expect(result.issues.map(\.line) == result.issues.map(\.line).sorted())
            #expect(!result.issues.isEmpty || result.cueCount > 0)
        }
    }

    @Test func validFixturesCountTheirCues() throws {
        let counts = try ["valid-simple.srt", "valid-header-notes-styles.vtt", "valid-no-final-newline.srt"]
            .map { SubtitleChecker.check(try SubtitleTestFixtures.bytes($0), format: SubtitleFormat.from(path: $0)!).cueCount }
        #expect(counts == [2, 2, 1])
    }

    @Test func exactPositionsOfFixtureProblems() throws {
        func at(_ name: String) throws -> [String] {
            positions(SubtitleChecker.check(try SubtitleTestFixtures.bytes(name), format: SubtitleFormat.from(path: name)!))
        }
        #expect(try at("invalid-arrow.srt") == ["SUBTITLE_TIMESTAMP@2:14"])
        #expect(try at("invalid-timestamp.srt") == ["SUBTITLE_TIMESTAMP@2:18"])
        #expect(try at("invalid-minutes-60.srt") == ["SUBTITLE_TIMESTAMP@6:4", "SUBTITLE_TIMESTAMP@6:21"])
        #expect(try at("invalid-end-before-start.srt") == ["SUBTITLE_TIMING@2:18"])
        #expect(try at("invalid-out-of-order.srt") == ["SUBTITLE_ORDER@6:1"])
        #expect(try at("invalid-missing-blank-line.srt") == ["SUBTITLE_SYNTAX@4:1"])
        #expect(try at("invalid-no-header.vtt") == ["SUBTITLE_SYNTAX@1:1"])
        #expect(try at("invalid-vtt-comma.vtt") == ["SUBTITLE_TIMESTAMP@6:9", "SUBTITLE_TIMESTAMP@6:26"])
        #expect(try at("invalid-latin1.srt") == ["SUBTITLE_ENCODING@3:4"])
        #expect(try at("invalid-empty.srt") == ["SUBTITLE_EMPTY@1:1"])
    }
}

@Suite struct SubtitleFormatTests {
    @Test func formatFollowsTheExtensionCaseInsensitively() {
        #expect(SubtitleFormat.from(path: "subs/a.en-gb.srt") == .srt)
        #expect(SubtitleFormat.from(path: "A.SRT") == .srt)
        #expect(SubtitleFormat.from(path: "/x/y.Vtt") == .webvtt)
        #expect(SubtitleFormat.from(path: "a.txt") == nil)
        #expect(SubtitleFormat.from(path: "srt") == nil)
        #expect(SubtitleFormat.from(path: ".srt") == nil)
        #expect(SubtitleFormat.from(path: "dir.srt/file") == nil)
        #expect(SubtitleFormat.from(path: "") == nil)
    }
}

@Suite struct SRTCheckerTests {
    @Test func encodingErrorPointsAtFirstBadByteAfterBOMAndCRLF() {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array("1\r\n00:00:01,000 --> 00:00:02,000\r\nab".utf8) + [0xC3, 0x28] + Array("\r\n".utf8)
        let result = SubtitleChecker.check(bytes, format: .srt)
        #expect(positions(result) == ["SUBTITLE_ENCODING@3:3"])
    }

    @Test func rejectsOverlongAndSurrogateUTF8() {
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF]] {
            let bytes = Array("1\n00:00:01,000 --> 00:00:02,000\nx".utf8) + bad
            #expect(rules(SubtitleChecker.check(bytes, format: .srt)) == ["SUBTITLE_ENCODING"], "\(bad)")
        }
    }

    @Test func utf16FileIsAnEncodingErrorAtLineOne() {
        let bytes: [UInt8] = [0xFF, 0xFE] + Array("1\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let result = SubtitleChecker.check(bytes, format: .srt)
        #expect(positions(result) == ["SUBTITLE_ENCODING@1:1"])
        #expect(result.issues[0].message.contains("UTF-16"))
    }

    @Test func columnsCountCharactersNotBytes() {
        let result = check("1\n00:00:01,000 --> 00:00:02,000\nçé\n\nçé\n", .srt)
        #expect(positions(result) == ["SUBTITLE_SYNTAX@5:1"])
        let timing = check("1\n00:00:01,000 --> 00:00:02,000 é\n\n2\n00:00:05,000 --> 00:00:04,000\nx\n", .srt)
        #expect(positions(timing) == ["SUBTITLE_TIMING@5:18"])
    }

    @Test func loneCarriageReturnsEndLines() {
        let result = check("1\r00:00:01,000 --> 00:00:02,000\rA\r\r2\r00:00:03,000 -> 00:00:04,000\rB\r", .srt)
        #expect(positions(result) == ["SUBTITLE_TIMESTAMP@6:14"])
    }

    @Test func missingTimingLineAfterNumber() {
        #expect(positions(check("1\n\n2\n00:00:01,000 --> 00:00:02,000\nx\n", .srt)) == ["SUBTITLE_SYNTAX@1:1"])
        #expect(positions(check("1\n", .srt)) == ["SUBTITLE_SYNTAX@1:1"])
    }

    @Test func textWhereCueNumberBelongs() {
        let result = check("hello\nworld\n\n1\n00:00:01,000 --> 00:00:02,000\nx\n", .srt)
        #expect(positions(result) == ["SUBTITLE_SYNTAX@1:1"])
        #expect(result.cueCount == 1)
    }

    @Test func textWhereTimingLineBelongs() {
        #expect(positions(check("1\nhello\n", .srt)) == ["SUBTITLE_SYNTAX@2:1"])
    }

    @Test func timingLineWithoutCueNumber() {
        #expect(positions(check("00:00:01,000 --> 00:00:02,000\nx\n", .srt)) == ["SUBTITLE_SYNTAX@1:1"])
    }

    @Test func timingLineInsideTextIsReportedOnce() {
        let result = check("1\n00:00:01,000 --> 00:00:02,000\nA\n00:00:03,000 --> 00:00:04,000\nB\n", .srt)
        #expect(positions(result) == ["SUBTITLE_SYNTAX@4:1"])
        #expect(result.cueCount == 2)
    }

    @Test func numbersThatLookLikeTextAreFine() {
        #expect(check("1\n00:00:01,000 --> 00:00:02,000\n1984\nwas a year\n", .srt).issues.isEmpty)
    }

    @Test func cueNumbersMustIncreaseButMayHaveGaps() {
        #expect(check("1\n00:00:01,000 --> 00:00:02,000\nA\n\n5\n00:00:03,000 --> 00:00:04,000\nB\n", .srt).issues.isEmpty)
        let repeated = check("2\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:03,000 --> 00:00:04,000\nB\n", .srt)
        #expect(positions(repeated) == ["SUBTITLE_SYNTAX@5:1"])
    }

    @Test func hugeCueNumberDoesNotOverflow() {
        let result = check("99999999999999999999999\n00:00:01,000 --> 00:00:02,000\nA\n", .srt)
        #expect(positions(result) == ["SUBTITLE_SYNTAX@1:1"])
    }

    @Test func timestampShapes() {
        func timing(_ line: String) -> [String] {
            positions(check("1\n\(line)\nx\n", .srt))
        }
        #expect(timing("0:00:01,000 --> 100:00:02,000") == [])
        #expect(timing("00:00:01,000-->00:00:02,000") == [])
        #expect(timing("00:00:01,000 --> 00:00:02,000 X1:10 X2:20 Y1:1 Y2:2") == [])
        #expect(timing("00:00:01.000 --> 00:00:02,000") == ["SUBTITLE_TIMESTAMP@2:9"])
        #expect(timing("00:01,000 --> 00:00:02,000") == ["SUBTITLE_TIMESTAMP@2:1"])
        #expect(timing("00:00:01,00 --> 00:00:02,000") == ["SUBTITLE_TIMESTAMP@2:1"])
        #expect(timing("00:00:01,0000 --> 00:00:02,000") == ["SUBTITLE_TIMESTAMP@2:1"])
        #expect(timing("00:00:1,000 --> 00:00:02,000") == ["SUBTITLE_TIMESTAMP@2:1"])
        #expect(timing("00:00:61,000 --> 00:00:62,000") == ["SUBTITLE_TIMESTAMP@2:7", "SUBTITLE_TIMESTAMP@2:24"])
        #expect(timing("00:00:01 --> 00:00:02") == ["SUBTITLE_TIMESTAMP@2:1", "SUBTITLE_TIMESTAMP@2:14"])
        #expect(timing("00:00:01,000 --> ") == ["SUBTITLE_TIMESTAMP@2:18"])
        #expect(timing("--> 00:00:02,000") == ["SUBTITLE_TIMESTAMP@2:1"])
        #expect(timing("00:00:01,000 => 00:00:02,000") == ["SUBTITLE_TIMESTAMP@2:14"])
        #expect(timing("00:00:01,000 — 00:00:02,000") == ["SUBTITLE_TIMESTAMP@2:14"])
        #expect(timing("00:00:01,000 --> 00:00:01,000") == ["SUBTITLE_TIMING@2:18"])
        #expect(timing("9999999999:00:01,000 --> 00:00:02,000") == ["SUBTITLE_TIMESTAMP@2:1"])
    }

    @Test func overlappingCuesAreAllowedButStartsMustNotGoBack() {
        let overlap = "1\n00:00:01,000 --> 00:00:09,000\nA\n\n2\n00:00:01,000 --> 00:00:02,000\nB\n"
        #expect(check(overlap, .srt).issues.isEmpty)
        let back = "1\n00:00:05,000 --> 00:00:09,000\nA\n\n2\n00:00:04,999 --> 00:00:06,000\nB\n\n"
            + "3\n00:00:05,500 --> 00:00:06,000\nC\n"
        #expect(positions(check(back, .srt)) == ["SUBTITLE_ORDER@6:1"])
    }

    @Test func reportsEveryProblemInFileOrder() {
        let text = "1\n00:00:02,000 --> 00:00:01,000\nA\n\n2\n00:00:00,500 --> 00:00:01,000\nB\n\n"
            + "3\n00:99:00,000 --> 00:99:01,000\nC\n"
        #expect(positions(check(text, .srt))
            == ["SUBTITLE_TIMING@2:18", "SUBTITLE_ORDER@6:1", "SUBTITLE_TIMESTAMP@10:4", "SUBTITLE_TIMESTAMP@10:21"])
    }

    @Test func blankOnlyFileIsEmpty() {
        #expect(positions(check("\n \n\t\n", .srt)) == ["SUBTITLE_EMPTY@1:1"])
        #expect(positions(SubtitleChecker.check([0xEF, 0xBB, 0xBF], format: .srt)) == ["SUBTITLE_EMPTY@1:1"])
    }

    @Test func cueWithoutTextIsAccepted() {
        #expect(check("1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:04,000\nB\n", .srt).issues.isEmpty)
    }

    @Test func messagesQuoteTheOffendingText() throws {
        let issue = try #require(check("1\n00:00:01,000 --> 00:00:0x,000\nA\n", .srt).issues.first)
        #expect(issue.message.contains("'00:00:0x,000'"))
        #expect(issue.hint != nil)
    }
}

@Suite struct WebVTTCheckerTests {
    @Test func headerMustBeWEBVTTAlone() {
        #expect(check("WEBVTT\n\n00:01.000 --> 00:02.000\nx\n", .webvtt).issues.isEmpty)
        #expect(check("WEBVTT\tTitle\n\n00:01.000 --> 00:02.000\nx\n", .webvtt).issues.isEmpty)
        #expect(positions(check("WEBVTTX\n\n00:01.000 --> 00:02.000\nx\n", .webvtt)) == ["SUBTITLE_SYNTAX@1:1"])
        #expect(positions(check("webvtt\n\n00:01.000 --> 00:02.000\nx\n", .webvtt)) == ["SUBTITLE_SYNTAX@1:1"])
        #expect(positions(check("", .webvtt)) == ["SUBTITLE_SYNTAX@1:1"])
    }

    @Test func bomBeforeHeaderIsTolerated() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nx\r\n".utf8)
        #expect(SubtitleChecker.check(bytes, format: .webvtt).issues.isEmpty)
    }

    @Test func headerOnlyFileIsEmpty() {
        #expect(positions(check("WEBVTT\n\nNOTE nothing here\n", .webvtt)) == ["SUBTITLE_EMPTY@1:1"])
    }

    @Test func missingBlankLineAfterHeader() {
        #expect(positions(check("WEBVTT\n00:01.000 --> 00:02.000\nx\n", .webvtt)) == ["SUBTITLE_SYNTAX@2:1"])
    }

    @Test func timestampShapes() {
        func timing(_ line: String) -> [String] { positions(check("WEBVTT\n\n\(line)\nx\n", .webvtt)) }
        #expect(timing("00:01.000 --> 00:02.000") == [])
        #expect(timing("123:00:01.000 --> 123:00:02.000") == [])
        #expect(timing("1:00:01.000 --> 1:00:02.000") == [])
        #expect(timing("00:01,000 --> 00:02.000") == ["SUBTITLE_TIMESTAMP@3:6"])
        #expect(timing("0:01.000 --> 00:02.000") == ["SUBTITLE_TIMESTAMP@3:1"])
        #expect(timing("00:60.000 --> 01:02.000") == ["SUBTITLE_TIMESTAMP@3:4"])
        #expect(timing("00:01.000 -> 00:02.000") == ["SUBTITLE_TIMESTAMP@3:11"])
        #expect(timing("00:03.000 --> 00:02.000") == ["SUBTITLE_TIMING@3:15"])
    }

    @Test func cueSettingsAreChecked() {
        func timing(_ line: String) -> [String] { positions(check("WEBVTT\n\n\(line)\nx\n", .webvtt)) }
        #expect(timing("00:01.000 --> 00:02.000 vertical:rl line:-1 position:10.5%,line-left size:50% align:end") == [])
        #expect(timing("00:01.000 --> 00:02.000 line:80%,center region:r1 align:middle") == [])
        #expect(timing("00:01.000 --> 00:02.000 aling:start") == ["SUBTITLE_SYNTAX@3:25"])
        #expect(timing("00:01.000 --> 00:02.000 size:101%") == ["SUBTITLE_SYNTAX@3:25"])
        #expect(timing("00:01.000 --> 00:02.000 position:10") == ["SUBTITLE_SYNTAX@3:25"])
        #expect(timing("00:01.000 --> 00:02.000 align:start junk") == ["SUBTITLE_SYNTAX@3:37"])
        #expect(timing("00:01.000 --> 00:02.000 align:start align:end") == ["SUBTITLE_SYNTAX@3:37"])
    }

    @Test func cueIdentifiersMustBeUniqueAndFollowedByTiming() {
        let duplicate = "WEBVTT\n\nintro\n00:01.000 --> 00:02.000\nA\n\nintro\n00:03.000 --> 00:04.000\nB\n"
        #expect(positions(check(duplicate, .webvtt)) == ["SUBTITLE_SYNTAX@7:1"])
        let noTiming = "WEBVTT\n\nintro\nHello\n"
        #expect(positions(check(noTiming, .webvtt)) == ["SUBTITLE_SYNTAX@4:1"])
        let stray = "WEBVTT\n\n00:01.000 --> 00:02.000\nA\n\nstray paragraph\n"
        #expect(positions(check(stray, .webvtt)) == ["SUBTITLE_SYNTAX@6:1"])
    }

    @Test func notesMayAppearAnywhereButStyleOnlyBeforeCues() {
        let note = "WEBVTT\n\n00:01.000 --> 00:02.000\nA\n\nNOTE\nlater comment\n\n00:03.000 --> 00:04.000\nB\n"
        #expect(check(note, .webvtt).issues.isEmpty)
        let style = "WEBVTT\n\n00:01.000 --> 00:02.000\nA\n\nSTYLE\n::cue { color: red }\n"
        #expect(positions(check(style, .webvtt)) == ["SUBTITLE_SYNTAX@6:1"])
        let region = "WEBVTT\n\nREGION\nid:r1 width:40%\n\n00:01.000 --> 00:02.000 region:r1\nA\n"
        #expect(check(region, .webvtt).issues.isEmpty)
    }

    @Test func arrowInsideNoteMeansMissingBlankLine() {
        let text = "WEBVTT\n\nNOTE a\n00:01.000 --> 00:02.000\nA\n"
        let result = check(text, .webvtt)
        #expect(positions(result) == ["SUBTITLE_SYNTAX@4:1"])
        #expect(result.cueCount == 1)
    }

    @Test func timingLineInsideCueText() {
        let text = "WEBVTT\n\n00:01.000 --> 00:02.000\nA\n00:03.000 --> 00:04.000\nB\n"
        let result = check(text, .webvtt)
        #expect(positions(result) == ["SUBTITLE_SYNTAX@5:1"])
        #expect(result.cueCount == 2)
    }

    @Test func outOfOrderCues() {
        let text = "WEBVTT\n\n00:05.000 --> 00:06.000\nA\n\n00:04.000 --> 00:07.000\nB\n"
        #expect(positions(check(text, .webvtt)) == ["SUBTITLE_ORDER@6:1"])
    }

    @Test func missingHeaderStillChecksTheCues() {
        let text = "00:05.000 --> 00:06.000\nA\n\n00:04.000 --> 00:03.000\nB\n"
        #expect(positions(check(text, .webvtt)) == ["SUBTITLE_SYNTAX@1:1", "SUBTITLE_ORDER@4:1", "SUBTITLE_TIMING@4:15"])
    }
}
