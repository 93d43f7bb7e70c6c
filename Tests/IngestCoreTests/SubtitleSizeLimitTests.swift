import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore
#if canImport(Glibc)
import Glibc
#endif

/// A subtitle larger than `SubtitleLimits.maxBytes` is refused from its size (`stat`), never read:
/// a 300 MB `.srt` costs validation no memory.
@Suite(.offThePool) struct SubtitleSizeLimitTests {
    static let ftyp: [UInt8] = [0, 0, 0, 0x18] + Array("ftypmp42".utf8) + [0, 0, 0, 0] + Array("mp42isom".utf8)

    /// The process's peak resident set size, in bytes.
    static func peakRSS() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss * 1024
    }

    /// A sparse file of `size` bytes (no disk blocks, reads as zeros).
    static func sparseFile(_ path: String, size: Int64) throws {
        _ = FileManager.default.createFile(atPath: path, contents: Data("1\n00:00:01,000 --> 00:00:02,000\nHi\n".utf8))
        guard truncate(path, off_t(size)) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    @Test func aThreeHundredMegabyteSubtitleIsRefusedBySizeWithoutBeingRead() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        _ = try dir.write("a.mp4", Data(Self.ftyp))
        try Self.sparseFile(dir.path("huge.srt"), size: 300 * 1_000_000)
        let path = try dir.write("manifest.yaml", "version: 1\nassets:\n  - id: a\n    title: T\n    video: a.mp4\n    subtitles:\n      - {file: huge.srt, language: en}\n")
        let before = Self.peakRSS()
        let result = ManifestValidator.validate(path: path)
        let grown = Self.peakRSS() - before
        #expect(result.diagnostics.positions == ["7:16 SUBTITLE_TOO_LARGE"])
        let message = try #require(result.diagnostics.first?.message)
        #expect(message.contains("300000000 bytes") && message.contains("10485760"), "\(message)")
        #expect(result.diagnostics.first?.itemID == "a")
        // Reading it would grow the peak by 300 MB (more with the parse); the size check costs nothing.
        #expect(grown < 100_000_000, "peak RSS grew by \(grown) bytes")
    }

    @Test func readAllRefusesAFileOverTheLimitBeforeReading() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try Self.sparseFile(dir.path("big.srt"), size: SubtitleLimits.maxBytes + 1)
        guard case .failure(let problem) = FileProbe.readAll(dir.path("big.srt"), maxBytes: SubtitleLimits.maxBytes) else {
            Issue.record("a file over the limit was read")
            return
        }
        #expect(problem.rule == DiagnosticRule.subtitleTooLarge)
        #expect(problem == .tooLarge(size: SubtitleLimits.maxBytes + 1, limit: SubtitleLimits.maxBytes))
    }

    @Test func aSubtitleAtTheLimitIsRead() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try Self.sparseFile(dir.path("limit.srt"), size: 1_000)
        guard case .success(let bytes) = FileProbe.readAll(dir.path("limit.srt"), maxBytes: 1_000) else {
            Issue.record("a file at the limit was refused")
            return
        }
        #expect(bytes.count == 1_000)
    }
}
