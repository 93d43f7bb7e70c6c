import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

/// Diagnostics quote user content (subtitle lines, manifest values, keys, ids) escaped and capped:
/// a terminal shows `\u{1B}`, never runs an escape sequence or reorders text, and one line stays short.
@Suite(.offThePool) struct DiagnosticTextTests {
    /// Whether `text` has a character a terminal would act on or hide.
    static func hasUnsafe(_ text: String?) -> Bool { text?.unicodeScalars.contains { DiagnosticText.isUnsafe($0) } ?? false }

    @Test func controlC1BidiAndInvisibleCharactersAreEscaped() {
        #expect(DiagnosticText.escaped("a\u{0}b\u{1B}[31mc\u{7F}\u{85}\u{9B}d\u{202E}e\u{2066}\u{200B}\u{FEFF}\u{2028}\t")
            == "a\\u{0000}b\\u{001B}[31mc\\u{007F}\\u{0085}\\u{009B}d\\u{202E}e\\u{2066}\\u{200B}\\u{FEFF}\\u{2028}\\u{0009}")
    }

    @Test func ordinaryTextIsUnchanged() {
        for text in ["Hello, world", "épisode – été", "日本語", "emoji 👨‍👩‍👧", "path/to/file.srt", "a \"quoted\" word"] {
            #expect(DiagnosticText.escaped(text) == text)
        }
    }

    @Test func longTextIsCappedAtEightyCharactersWithAnEllipsis() {
        let text = String(repeating: "x", count: 500)
        #expect(DiagnosticText.escaped(text) == String(repeating: "x", count: 80) + "…")
        #expect(DiagnosticText.escaped(String(repeating: "x", count: 80)) == String(repeating: "x", count: 80))
        #expect(DiagnosticText.escaped(text, limit: 10) == "xxxxxxxxxx…")
        // Combining marks cannot make one "character" unbounded: the cap counts scalars.
        let zalgo = "a" + String(repeating: "\u{0301}", count: 10_000)
        #expect(DiagnosticText.escaped(zalgo).unicodeScalars.count <= 81)
    }

    @Test func quotedWrapsInDoubleQuotes() {
        #expect(DiagnosticText.quoted("a\u{1B}b") == "\"a\\u{001B}b\"")
    }

    @Test func aSubtitleLineWithNULEscapeAndBidiIsQuotedEscaped() throws {
        let srt = "\u{0}\u{1B}[31mred\u{202E}txt\n00:00:01,000 --> 00:00:02,000\nHi\n"
        let result = SubtitleChecker.check(Array(srt.utf8), format: .srt)
        let issue = try #require(result.issues.first)
        #expect(issue.rule == SubtitleRule.syntax)
        #expect(!Self.hasUnsafe(issue.message), "\(issue.message.debugDescription)")
        #expect(issue.message.contains("\\u{0000}\\u{001B}[31mred\\u{202E}txt"), "\(issue.message)")
    }

    @Test func aWebVTTHeaderWithControlCharactersIsQuotedEscaped() throws {
        let vtt = "\u{1B}]0;pwned\u{7}\n\n00:01.000 --> 00:02.000\nHi\n"
        let result = SubtitleChecker.check(Array(vtt.utf8), format: .webvtt)
        let issue = try #require(result.issues.first)
        #expect(!Self.hasUnsafe(issue.message), "\(issue.message.debugDescription)")
        #expect(issue.message.contains("\\u{001B}]0;pwned\\u{0007}"))
    }

    @Test func aHugeSubtitleLineIsCapped() throws {
        let srt = String(repeating: "z", count: 100_000) + "\n00:00:01,000 --> 00:00:02,000\nHi\n"
        let issue = try #require(SubtitleChecker.check(Array(srt.utf8), format: .srt).issues.first)
        #expect(issue.message.count < 200)
    }

    /// Manifest values reach messages and hints through the same helper.
    @Test(arguments: [
        "version: 1\nassets:\n  - {id: \"a\\e[31mb\", title: T, video: v.mp4}\n",
        "version: 1\nassets:\n  - {id: a, title: T, video: v.mp4, mode: \"sim\\u202Eple\"}\n",
        "version: 1\nassets:\n  - {id: a, title: T, video: v.mp4, \"ti\\u202Etle\": x}\n",
        "version: 1\nassets:\n  - {id: a, title: T, video: v.mp4, uid: \"asse_\\e[2J\"}\n",
        "version: 1\nassets:\n  - {id: a, title: T, video: v.mp4, slug: \"s\\u200Bs\"}\n",
        "version: 1\nassets:\n  - {id: a, title: [\"\\e[31m\"], video: v.mp4}\n",
        "version: 1\nassets:\n  - {id: a, title: T, video: v.mp4, subtitles: [{file: \"s\\u2066.srt\", language: \"e\\u202En\"}]}\n",
        "version: 1\nassets:\n  - {id: a, title: T, video: v.mp4, subtitles: [{file: \"s.txt\\e[0m\", language: en}]}\n",
        "version: 1\nassets:\n  - {id: a, title: T, video: v.mp4, key: \"k\\e[31m\"}\n  - {id: b, title: U, video: w.mp4, key: \"k\\e[31m\"}\n",
        "version: 1\nassets:\n  - {id: a, title: T, video: v.mp4}\n  - {id: a, title: U, video: w.mp4}\n",
        "version: \"1\\e\"\nassets:\n  - {id: a, title: T, video: v.mp4}\n",
        "version: 1\ndefaults: {language: \"x\\u202E\"}\nassets:\n  - {id: a, title: T, video: v.mp4}\n",
    ])
    func manifestValuesAreEscapedInMessagesAndHints(_ yaml: String) {
        let result = validateManifest(yaml)
        #expect(result.hasErrors, "\(yaml)")
        for diagnostic in result.diagnostics {
            #expect(!Self.hasUnsafe(diagnostic.message), "\(diagnostic.rule): \(diagnostic.message.debugDescription)")
            #expect(!Self.hasUnsafe(diagnostic.hint), "\(diagnostic.rule): \(diagnostic.hint.debugDescription)")
            #expect(!Self.hasUnsafe(diagnostic.formatted), "\(diagnostic.formatted.debugDescription)")
        }
    }

    @Test(arguments: [
        "id,title,video,mo\u{9B}de\na,T,v.mp4,x\n",
        "id,title,video,mode\na,T,v.mp4,sim\u{202E}ple\n",
        "id,title,video,subtitle.e\u{202E}n\na,T,v.mp4,s.srt\n",
        "id,title,video\na\u{85}b,T,v.mp4\n",
    ])
    func csvValuesAreEscapedInMessagesAndHints(_ csv: String) {
        let result = validateManifest(csv, path: "/m/manifest.csv", format: .csv)
        #expect(result.hasErrors, "\(csv)")
        for diagnostic in result.diagnostics {
            #expect(!Self.hasUnsafe(diagnostic.message), "\(diagnostic.rule): \(diagnostic.message.debugDescription)")
            #expect(!Self.hasUnsafe(diagnostic.hint), "\(diagnostic.rule): \(diagnostic.hint.debugDescription)")
            #expect(!Self.hasUnsafe(diagnostic.formatted), "\(diagnostic.formatted.debugDescription)")
        }
    }

    @Test func aVeryLongUnknownKeyIsCappedInTheMessage() throws {
        let key = String(repeating: "k", count: 10_000)
        // An explicit key (`? `): YAML allows simple keys of at most 1024 characters.
        let result = validateManifest("version: 1\nassets:\n  - id: a\n    title: T\n    video: v.mp4\n    ? \(key)\n    : 1\n")
        let diagnostic = try #require(result.diagnostics.first { $0.rule == DiagnosticRule.unknownKey })
        #expect(diagnostic.message.count < 200)
    }

    @Test func aFileProblemQuotesThePathEscaped() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = try dir.write("manifest.yaml", "version: 1\nassets:\n  - {id: a, title: T, video: \"v\\e[31m.mp4\", subtitles: [{file: \"s\\u202E.srt\", language: en}]}\n")
        let result = ManifestValidator.validate(path: path)
        #expect(result.diagnostics.rules.contains(DiagnosticRule.fileMissing))
        for diagnostic in result.diagnostics {
            #expect(!Self.hasUnsafe(diagnostic.formatted), "\(diagnostic.formatted.debugDescription)")
        }
    }

    /// A subtitle named with hostile characters: the text line's file part is escaped too.
    @Test func aSubtitleFileNameIsEscapedInTheLocation() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        _ = try dir.write("v.mp4", Data([0, 0, 0, 0x10] + Array("ftypisom".utf8) + [0, 0, 0, 0]))
        _ = try dir.write("s\u{202E}.srt", "x\n")
        let path = try dir.write("manifest.yaml", "version: 1\nassets:\n  - {id: a, title: T, video: v.mp4, subtitles: [{file: \"s\\u202E.srt\", language: en}]}\n")
        let result = ManifestValidator.validate(path: path)
        let diagnostic = try #require(result.diagnostics.first { $0.rule == SubtitleRule.syntax })
        #expect(diagnostic.formatted.contains("/s\\u{202E}.srt:1:1: error[SUBTITLE_SYNTAX]"), "\(diagnostic.formatted)")
    }
}
