import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

@Suite(.offThePool) struct FileChecksTests {
    static let ftyp: [UInt8] = [0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [0, 0, 0, 0] + Array("mp42isom".utf8)

    private func validate(_ yaml: String, in dir: TempDirectory) throws -> ValidationResult {
        let path = try dir.write("manifest.yaml", yaml)
        return ManifestValidator.validate(path: path)
    }

    @Test func existingVideoAndSubtitlePass() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        _ = try dir.write("media/a.mp4", Data(Self.ftyp))
        _ = try dir.write("subs/a.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n")
        let result = try validate("version: 1\nassets:\n  - id: a\n    title: T\n    video: media/a.mp4\n    subtitles:\n      - {file: subs/a.srt, language: en}\n", in: dir)
        #expect(result.diagnostics.isEmpty)
    }

    @Test func missingDirectoryEmptyAndUnreadableFilesAreReported() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path("folder.mp4"), withIntermediateDirectories: true)
        _ = try dir.write("empty.mp4", Data())
        let yaml = """
            version: 1
            assets:
              - {id: a, title: A, video: nothing.mp4}
              - {id: b, title: B, video: folder.mp4}
              - {id: c, title: C, video: empty.mp4}
            """
        let result = try validate(yaml, in: dir)
        #expect(result.diagnostics.positions == ["3:30 FILE_MISSING", "4:30 FILE_NOT_REGULAR", "5:30 FILE_EMPTY"])
    }

    @Test func textFileNamedMP4IsNotAVideo() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        _ = try dir.write("fake.mp4", "this is not a video, just text\n")
        let result = try validate("version: 1\nassets:\n  - {id: a, title: A, video: fake.mp4}\n", in: dir)
        #expect(result.diagnostics.positions == ["3:30 VIDEO_NOT_A_VIDEO"])
    }

    @Test func extensionThatDisagreesWithTheContainerIsAWarning() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        _ = try dir.write("really-mp4.mkv", Data(Self.ftyp))
        let result = try validate("version: 1\nassets:\n  - {id: a, title: A, video: really-mp4.mkv}\n", in: dir)
        #expect(result.diagnostics.rules == [DiagnosticRule.videoExtensionMismatch])
        #expect(result.diagnostics[0].severity == .warning)
        #expect(!result.hasErrors)
    }

    @Test func subtitleErrorsPointAtTheSubtitleFileLine() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        _ = try dir.write("a.mp4", Data(Self.ftyp))
        _ = try dir.write("subs/bad.srt", "1\n00:00:01,000 --> 00:00:02,000\nOne\n\n2\n00:00:05,000 --> 00:00:04,000\nTwo\n")
        let result = try validate("version: 1\nassets:\n  - id: a\n    title: T\n    video: a.mp4\n    subtitles:\n      - {file: subs/bad.srt, language: en}\n", in: dir)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.rule == "SUBTITLE_TIMING")
        #expect(diagnostic.location.file == dir.path("subs/bad.srt"))
        #expect(diagnostic.location.line == 6)
        #expect(diagnostic.itemID == "a")
    }

    @Test func sharedSubtitleFileIsReportedOnce() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        _ = try dir.write("a.mp4", Data(Self.ftyp))
        _ = try dir.write("b.mp4", Data(Self.ftyp))
        _ = try dir.write("empty.srt", "\n")
        let yaml = """
            version: 1
            assets:
              - {id: a, title: A, video: a.mp4, subtitles: [{file: empty.srt, language: en}]}
              - {id: b, title: B, video: b.mp4, subtitles: [{file: empty.srt, language: en}]}
            """
        let result = try validate(yaml, in: dir)
        #expect(result.diagnostics.rules == ["SUBTITLE_EMPTY"])
    }

    @Test func unreadableManifestIsReported() {
        let result = ManifestValidator.validate(path: "/nonexistent/folder/manifest.yaml")
        #expect(result.diagnostics.rules == [DiagnosticRule.fileMissing])
        #expect(result.hasErrors)
    }

    @Test func relativeManifestPathGivesRelativeSubtitlePaths() {
        let paths = ManifestPaths(manifestPath: "manifests/example.yaml", currentDirectory: "/work")
        #expect(paths.absolute("media/a.mp4") == "/work/manifests/media/a.mp4")
        #expect(paths.absolute("../x/./b.srt") == "/work/x/b.srt")
        #expect(paths.display("subs/a.srt") == "manifests/subs/a.srt")
        #expect(ManifestPaths(manifestPath: "m.yaml", currentDirectory: "/w").display("s.srt") == "s.srt")
        #expect(paths.absolute("/abs//x/../y.mp4") == "/abs/y.mp4")
        #expect(paths.absolute("/abs/plain.mp4") == "/abs/plain.mp4")
        #expect(ManifestPaths(manifestPath: "./m.yaml", currentDirectory: "/w").absolute("./s.srt") == "/w/s.srt")
    }
}

@Suite(.offThePool) struct ParallelFileChecksTests {
    @Test func largeManifestsAreCheckedInParallelWithSharedFilesReportedOnce() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        _ = try dir.write("v.mp4", Data(FileChecksTests.ftyp))
        _ = try dir.write("bad.srt", "1\n00:00:02,000 --> 00:00:01,000\nBackwards\n")
        let count = 2_501
        var yaml = "version: 1\nassets:\n"
        for i in 0..<count {
            yaml += "  - {id: i\(i), title: T\(i), video: v.mp4, key: k\(i).mp4, subtitles: [{file: bad.srt, language: en}]}\n"
        }
        yaml += "  - {id: last, title: Last, video: missing.mp4}\n"
        let path = dir.path("m.yaml")
        let result = ManifestValidator.validate(bytes: Array(yaml.utf8), path: path, format: .yaml, checkFiles: true)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.rule) == [DiagnosticRule.fileMissing, "SUBTITLE_TIMING"])
        #expect(errors.first?.location.line == count + 3)
        #expect(errors.last?.itemID == "i0")
        // Past `maxDiagnostics` the warnings are counted, not kept; the errors are kept first.
        #expect(result.warningCount == count)
        #expect(result.diagnostics.count { $0.rule == DiagnosticRule.videoReused } == ValidationResult.maxDiagnostics - 2)
        #expect(result.suppressedCount == count - (ValidationResult.maxDiagnostics - 2))
    }
}
