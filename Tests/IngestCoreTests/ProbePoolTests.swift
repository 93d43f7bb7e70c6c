import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

/// The probe pool: many file probes in flight whatever the number of cores, with diagnostics that do
/// not depend on how many.
@Suite(.offThePool) struct ProbePoolTests {
    /// Waits (on a condition, not a clock) until `target` callers are inside at once.
    /// `@unchecked Sendable`: every access holds `condition`.
    private final class Rendezvous: @unchecked Sendable {
        private let condition = NSCondition()
        private let target: Int
        private var inside = 0
        private(set) var mostInside = 0
        private(set) var calls: [Int] = []

        init(target: Int) { self.target = target }

        /// Enters, waits until `target` callers have entered (or a generous deadlock guard passes), leaves.
        func meet(_ index: Int) {
            condition.lock()
            defer { condition.unlock() }
            calls.append(index)
            inside += 1
            mostInside = max(mostInside, inside)
            condition.broadcast()
            let guardDeadline = Date().addingTimeInterval(60)
            while mostInside < target && condition.wait(until: guardDeadline) {}
            inside -= 1
        }
    }

    @Test func theWidthIsHowManyCallsAreInFlightWhateverTheCores() {
        // More than the cores of any CI machine: each call waits until 48 are inside at once, which
        // only a pool of 48 threads of its own can reach.
        let rendezvous = Rendezvous(target: 48)
        DedicatedThread.forEach(count: 200, width: 48, name: "test") { rendezvous.meet($0) }
        #expect(rendezvous.mostInside == 48)
        #expect(rendezvous.calls.sorted() == Array(0..<200))
    }

    @Test func widthOneRunsInOrderOnTheCallingThread() {
        let rendezvous = Rendezvous(target: 1)
        DedicatedThread.forEach(count: 5, width: 1, name: "test") { rendezvous.meet($0) }
        #expect(rendezvous.calls == [0, 1, 2, 3, 4])
        #expect(rendezvous.mostInside == 1)
    }

    @Test func noIndexMeansNoCall() {
        let rendezvous = Rendezvous(target: 1)
        DedicatedThread.forEach(count: 0, width: 64, name: "test") { rendezvous.meet($0) }
        #expect(rendezvous.calls.isEmpty)
    }

    /// A manifest with every kind of file outcome, some files used by several items and written in
    /// several ways.
    private func mixedCatalogue(in dir: TempDirectory) throws -> String {
        let ftyp = FileChecksTests.ftyp
        try FileManager.default.createDirectory(atPath: dir.path("folder.mp4"), withIntermediateDirectories: true)
        _ = try dir.write("empty.mp4", Data())
        _ = try dir.write("text.mp4", "not a video\n")
        _ = try dir.write("mp4-named.mkv", Data(ftyp))
        _ = try dir.write("subs/bad.srt", "1\n00:00:02,000 --> 00:00:01,000\nBackwards\n")
        _ = try dir.write("subs/empty.srt", "\n")
        _ = try dir.write("subs/zero.srt", Data())
        var yaml = "version: 1\nassets:\n"
        for i in 0..<300 {
            _ = try dir.write("media/v\(i).mp4", Data(ftyp))
            _ = try dir.write("subs/v\(i).srt", "1\n00:00:01,000 --> 00:00:02,000\nHi \(i)\n")
            let video: String
            switch i % 10 {
            case 1: video = "missing-\(i).mp4"
            case 2: video = "folder.mp4"
            case 3: video = "empty.mp4"
            case 4: video = "text.mp4"
            case 5: video = "mp4-named.mkv"
            case 6: video = "./media/../media/v\(i).mp4"
            default: video = "media/v\(i).mp4"
            }
            let subtitle: String
            switch i % 7 {
            case 1: subtitle = "subs/bad.srt"
            case 2: subtitle = "./subs/bad.srt"
            case 3: subtitle = "subs/empty.srt"
            case 4: subtitle = "subs/zero.srt"
            case 5: subtitle = "subs/missing-\(i).srt"
            default: subtitle = "subs/v\(i).srt"
            }
            yaml += "  - {id: i\(i), title: T\(i), video: \(video), key: k\(i).mp4, subtitles: [{file: \(subtitle), language: en}]}\n"
        }
        return try dir.write("manifest.yaml", yaml)
    }

    @Test func diagnosticsAreTheSameWhateverTheProbeWidth() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = try mixedCatalogue(in: dir)
        let serial = ManifestValidator.validate(path: path, probeWidth: 1)
        // Every kind of outcome is there, and a file shared by items is reported as before.
        let rules = Set(serial.diagnostics.map(\.rule))
        for rule in [DiagnosticRule.fileMissing, DiagnosticRule.fileNotRegular, DiagnosticRule.fileEmpty,
                     DiagnosticRule.videoNotAVideo, DiagnosticRule.videoExtensionMismatch, "SUBTITLE_TIMING",
                     "SUBTITLE_EMPTY", DiagnosticRule.videoReused] {
            #expect(rules.contains(rule), "\(rule)")
        }
        // `subs/bad.srt` and `./subs/bad.srt` are one file: its content is reported once.
        #expect(serial.diagnostics.count { $0.rule == "SUBTITLE_TIMING" } == 1)
        #expect(serial.diagnostics.count { $0.rule == "SUBTITLE_EMPTY" } == 1)
        for width in [2, 7, 64, 300] {
            let parallel = ManifestValidator.validate(path: path, probeWidth: width)
            #expect(parallel.diagnostics == serial.diagnostics, "width \(width)")
            #expect(parallel.errorCount == serial.errorCount && parallel.warningCount == serial.warningCount)
        }
    }
}
