import Testing
@testable import IngestCore

@Suite struct EncodingTests {
    @Test func invalidUTF8IsReportedAtItsPosition() {
        var bytes = Array("version: 1\nassets:\n  - id: ca".utf8)
        bytes.append(0xE9)   // Latin-1 é
        bytes += Array("t\n".utf8)
        let result = ManifestLoader.load(bytes: bytes, path: "/m.yaml", format: .yaml)
        #expect(result.manifest == nil)
        #expect(result.diagnostics.positions == ["3:11 MANIFEST_ENCODING"])
    }

    @Test func nulByteIsReported() {
        let bytes = Array("id,video\na,v\0.mp4\n".utf8)
        let result = ManifestLoader.load(bytes: bytes, path: "/m.csv", format: .csv)
        #expect(result.diagnostics.positions == ["2:4 MANIFEST_ENCODING"])
    }

    @Test func overlongAndSurrogateSequencesAreInvalid() {
        for bad in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] as [[UInt8]] {
            let result = ManifestLoader.load(bytes: Array("a: ".utf8) + bad, path: "/m.yaml", format: .yaml)
            #expect(result.diagnostics.rules == [DiagnosticRule.encoding])
        }
    }

    @Test func byteOrderMarkIsToleratedInYAML() {
        let result = loadManifest("\u{FEFF}version: 1\nassets:\n  - {id: a, title: T, video: v.mp4}\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.manifest?.assets.first?.location.line == 3)
    }

    @Test func utf16ManifestIsAnEncodingError() {
        let bytes: [UInt8] = [0xFF, 0xFE] + Array("version: 1".utf8).flatMap { [$0, 0] }
        #expect(ManifestLoader.load(bytes: bytes, path: "/m.yaml", format: .yaml).diagnostics.rules == [DiagnosticRule.encoding])
    }
}
