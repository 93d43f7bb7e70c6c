import IngestTestSupport
import Testing
@testable import IngestCore

@Suite(.offThePool) struct YAMLManifestLoaderTests {
    static let sample = """
        version: 1
        defaults:
          asset_type: episode
          language: en-gb
        assets:
          - id: abc-123
            title: ABC 123 Title
            fields: {synopsis: "Long text", year: 2024, live: false}
            video: media/ABC123-video.mp4
            subtitles:
              - file: subs/abc123.en-gb.srt
              - file: ../shared/abc123.fr.vtt
                language: fr
                title: Français
          - id: trailer
            mode: simple
            video: /abs/trailer.mp4
        """

    @Test func valuesKeepTheirLineAndColumn() throws {
        let result = loadManifest(Self.sample)
        #expect(result.diagnostics.isEmpty)
        let manifest = try #require(result.manifest)
        let asset = manifest.assets[0]
        #expect(asset.location.line == 6)
        #expect(asset.location.column == 5)
        #expect(asset.location(of: "id") == SourceLocation(file: "/m/manifest.yaml", line: 6, column: 9))
        #expect(asset.location(of: "video") == SourceLocation(file: "/m/manifest.yaml", line: 9, column: 12))
        #expect(asset.subtitles[1].location.line == 12)
        #expect(asset.subtitles[1].location.column == 15)
    }

    @Test func defaultsApplyToAdvancedAssetsOnly() throws {
        let manifest = try #require(loadManifest(Self.sample).manifest)
        #expect(manifest.assets[0].assetType == "episode")
        #expect(manifest.assets[0].subtitles[0].language == "en-gb")
        #expect(manifest.assets[0].subtitles[1].language == "fr")
        #expect(manifest.assets[1].mode == .simple)
        #expect(manifest.assets[1].assetType == nil)
    }

    @Test func pathsResolveAgainstTheManifestFolder() throws {
        let manifest = try #require(loadManifest(Self.sample, path: "/data/batch/manifest.yaml").manifest)
        #expect(manifest.assets[0].videoPath == "/data/batch/media/ABC123-video.mp4")
        #expect(manifest.assets[0].subtitles[1].path == "/data/shared/abc123.fr.vtt")
        #expect(manifest.assets[1].videoPath == "/abs/trailer.mp4")
        #expect(manifest.assets[0].effectiveKey == "ABC123-video.mp4")
    }

    @Test func fieldsKeepTheirJSONTypes() throws {
        let manifest = try #require(loadManifest(Self.sample).manifest)
        #expect(manifest.assets[0].fields == ["synopsis": .string("Long text"), "year": .number(2024), "live": .bool(false)])
    }

    @Test func unknownKeySuggestsTheNearestKnownKey() {
        let result = loadManifest("version: 1\nassets:\n  - id: a\n    title: T\n    video: v.mp4\n    subtitle: []\n")
        let diagnostic = result.diagnostics.first { $0.rule == DiagnosticRule.unknownKey }
        #expect(diagnostic?.location.line == 6)
        #expect(diagnostic?.location.column == 5)
        #expect(diagnostic?.hint == "did you mean `subtitles`?")
    }

    @Test func wrongTypeIsReportedWithAQuotingHint() {
        let result = loadManifest("version: 1\nassets:\n  - id: 123\n    title: T\n    video: v.mp4\n")
        #expect(result.diagnostics.positions == ["3:9 MANIFEST_TYPE"])
        #expect(result.diagnostics[0].hint == "put the value in quotes: \"123\"")
    }

    @Test func missingVersionAndUnsupportedVersionAreReported() {
        #expect(loadManifest("assets:\n  - {id: a, title: T, video: v.mp4}\n").diagnostics.positions == ["1:1 MANIFEST_VERSION"])
        #expect(loadManifest("version: 2\nassets:\n  - {id: a, title: T, video: v.mp4}\n").diagnostics.positions == ["1:10 MANIFEST_VERSION"])
    }

    @Test func missingAssetsAndEmptyAssetsAreDistinguished() {
        #expect(loadManifest("version: 1\n").diagnostics.rules == [DiagnosticRule.missingField])
        #expect(loadManifest("version: 1\nassets: []\n").diagnostics.rules == [DiagnosticRule.empty])
        #expect(loadManifest("").diagnostics.rules == [DiagnosticRule.empty])
    }

    @Test func missingIDAndVideoAreReportedAtTheItem() {
        let result = loadManifest("version: 1\nassets:\n  - title: T\n  - id: b\n    title: U\n")
        #expect(result.diagnostics.positions == ["3:5 MANIFEST_MISSING_FIELD", "3:5 MANIFEST_MISSING_FIELD",
                                                 "4:5 MANIFEST_MISSING_FIELD"])
        #expect(result.manifest?.assets.isEmpty == true)
    }

    @Test func subtitleWithoutLanguageNeedsADefault() {
        let result = loadManifest("version: 1\nassets:\n  - id: a\n    title: T\n    video: v.mp4\n    subtitles:\n      - file: s.srt\n")
        #expect(result.diagnostics.positions == ["7:9 LANGUAGE_MISSING"])
    }

    @Test func syntaxErrorIsReportedAtItsPositionAndStopsStructureChecks() {
        let result = loadManifest("version: 1\nassets:\n  - id: a\n   title: [unclosed\n")
        #expect(result.manifest == nil)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics[0].rule == DiagnosticRule.syntax)
        #expect(result.diagnostics[0].location.line == 4)
    }

    @Test func duplicateKeyInAMappingIsReported() {
        let result = loadManifest("version: 1\nassets:\n  - id: a\n    id: b\n    video: v.mp4\n")
        #expect(result.diagnostics.rules == [DiagnosticRule.duplicateKey])
    }

    @Test func invalidModeIsReportedWithASuggestion() {
        let result = loadManifest("version: 1\nassets:\n  - id: a\n    mode: simpel\n    video: v.mp4\n")
        #expect(result.diagnostics.positions == ["4:11 MODE_INVALID"])
        #expect(result.diagnostics[0].hint == "did you mean `simple`?")
    }

    @Test func defaultsAfterAssetsStillApply() throws {
        let result = loadManifest("version: 1\nassets:\n  - id: a\n    title: T\n    video: v.mp4\n    subtitles: [{file: s.srt}]\ndefaults: {language: fr, asset_type: episode}\n")
        #expect(result.diagnostics.isEmpty)
        let asset = try #require(result.manifest?.assets.first)
        #expect(asset.subtitles.first?.language == "fr")
        #expect(asset.assetType == "episode")
    }

    @Test func secondDocumentIsASyntaxError() {
        let result = loadManifest("version: 1\nassets:\n  - {id: a, title: T, video: v.mp4}\n---\nversion: 1\n")
        #expect(result.diagnostics.positions == ["4:1 MANIFEST_SYNTAX"])
        #expect(result.manifest == nil)
    }

    @Test func quotedNumbersAreStringsAndPlainOnesAreNot() {
        #expect(loadManifest("version: 1\nassets:\n  - {id: '123', title: \"1984\", video: v.mp4}\n").diagnostics.isEmpty)
        #expect(loadManifest("version: 1\nassets:\n  - {id: a, title: yes, video: v.mp4}\n").diagnostics.rules == [DiagnosticRule.type])
        #expect(loadManifest("version: 1\nassets:\n  - {id: a, title: ~, video: v.mp4}\n").diagnostics.rules == [DiagnosticRule.type])
        #expect(loadManifest("version: 1\nassets:\n  - {id: a, title: 3.5e2, video: v.mp4}\n").diagnostics.rules == [DiagnosticRule.type])
        #expect(loadManifest("version: 1\nassets:\n  - {id: a, title: Yesterday, video: v.mp4}\n").diagnostics.isEmpty)
    }

    @Test func deeplyNestedYAMLIsASyntaxErrorNotACrash() {
        let depth = 100_000
        let yaml = "version: 1\nassets:\n  - id: a\n    fields: {x: " + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "}\n"
        let result = loadManifest(yaml)
        #expect(result.diagnostics.rules == [DiagnosticRule.syntax])
        #expect(result.diagnostics.first?.location.line == 4)
    }
}
