import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

/// Inputs that once crashed a fuzz target: each must now load without crashing and satisfy the
/// target's invariants (see `Fixtures/fuzz-regressions/README.md`).
@Suite(.offThePool) struct FuzzRegressionTests {
    static var directory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("fuzz-regressions")
    }

    static let inputs: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { !$0.hasSuffix(".md") }
        .sorted()

    @Test func everyInputHasAKnownExtension() {
        for name in Self.inputs {
            #expect(["srt", "vtt", "yaml", "csv", "bin"].contains(ManifestPaths.fileExtension(of: name)), "\(name)")
        }
    }

    @Test(arguments: inputs)
    func inputNoLongerBreaksItsTarget(_ name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(name)))
        switch ManifestPaths.fileExtension(of: name) {
        case "srt": checkSubtitle(bytes, .srt)
        case "vtt": checkSubtitle(bytes, .webvtt)
        case "yaml": checkManifest(bytes, .yaml)
        case "csv": checkManifest(bytes, .csv)
        default:
            let container = VideoContainer.sniff(bytes)
            #expect(VideoContainer.sniff(Array(bytes.prefix(VideoContainer.sniffLength))) == container)
        }
    }

    /// The FuzzSRT/FuzzWebVTT invariants: positions inside the file, issues in line order, and a
    /// result without issues has cues.
    private func checkSubtitle(_ bytes: [UInt8], _ format: SubtitleFormat) {
        let result = SubtitleChecker.check(bytes, format: format)
        let lineCount = bytes.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
        #expect(result.issues.allSatisfy { $0.line >= 1 && $0.line <= lineCount && $0.column >= 1 })
        #expect(result.issues.map(\.line) == result.issues.map(\.line).sorted())
        if result.issues.isEmpty { #expect(result.cueCount > 0) }
    }

    /// The FuzzYAMLLoader/FuzzCSVLoader invariants: positions inside the file, and no manifest only with an error.
    private func checkManifest(_ bytes: [UInt8], _ format: ManifestFormat) {
        let path = format == .yaml ? "/fuzz/manifest.yaml" : "/fuzz/manifest.csv"
        let loaded = ManifestLoader.load(bytes: bytes, path: path, format: format)
        let lineCount = bytes.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
        #expect(loaded.diagnostics.allSatisfy { $0.location.line >= 1 && $0.location.line <= lineCount + 1 })
        if loaded.manifest == nil { #expect(loaded.diagnostics.contains { $0.severity == .error }) }
        _ = ManifestValidator.validate(bytes: bytes, path: path, format: format, checkFiles: false)
    }
}
