import IngestTestSupport
import Testing
@testable import IngestCore

@Suite(.offThePool) struct CSVManifestLoaderTests {
    @Test func rowsBecomeAssetsWithSubtitleAndFieldColumns() throws {
        let csv = "id,mode,title,video,key,subtitle.en-gb,subtitle.fr,field.synopsis\n"
            + "a1,,Title A,media/a.mp4,,subs/a.en.srt,,\"multi\nline\"\n"
            + "a2,simple,,media/b.mp4,custom/b.mp4,,,\n"
        let result = loadManifest(csv, path: "/data/m.csv", format: .csv)
        #expect(result.diagnostics.isEmpty)
        let manifest = try #require(result.manifest)
        #expect(manifest.assets.count == 2)
        let first = manifest.assets[0]
        #expect(first.mode == .advanced)
        #expect(first.subtitles.map(\.language) == ["en-gb"])
        #expect(first.subtitles[0].path == "/data/subs/a.en.srt")
        #expect(first.fields == ["synopsis": .string("multi\nline")])
        #expect(first.location(of: "video") == SourceLocation(file: "/data/m.csv", line: 2, column: 13))
        // The second row starts after the two-line cell.
        let second = manifest.assets[1]
        #expect(second.location.line == 4)
        #expect(second.mode == .simple)
        #expect(second.effectiveKey == "custom/b.mp4")
        #expect(second.location(of: "key") == SourceLocation(file: "/data/m.csv", line: 4, column: 24))
    }

    @Test func byteOrderMarkIsTolerated() throws {
        let result = loadManifest("\u{FEFF}id,title,video\na,T,v.mp4\n", path: "/m.csv", format: .csv)
        #expect(result.diagnostics.isEmpty)
        #expect(result.manifest?.assets.first?.id == "a")
        #expect(result.manifest?.assets.first?.location(of: "id").column == 1)
    }

    @Test func unknownColumnIsAnErrorWithASuggestion() {
        let result = loadManifest("id,titel,video\na,T,v.mp4\n", path: "/m.csv", format: .csv)
        #expect(result.diagnostics.positions == ["1:4 MANIFEST_UNKNOWN_KEY"])
        #expect(result.diagnostics[0].hint == "did you mean `title`?")
    }

    @Test func missingRequiredColumnIsReported() {
        let result = loadManifest("id,title\na,T\n", path: "/m.csv", format: .csv)
        #expect(result.diagnostics.rules == [DiagnosticRule.missingField])
        #expect(result.diagnostics[0].field == "video")
    }

    @Test func duplicateColumnIsReported() {
        let result = loadManifest("id,video,video\na,v.mp4,w.mp4\n", path: "/m.csv", format: .csv)
        #expect(result.diagnostics.positions == ["1:10 MANIFEST_DUPLICATE_KEY"])
    }

    @Test func raggedRowIsASyntaxErrorOnThatRow() {
        let result = loadManifest("id,title,video\na,T,v.mp4\nb,U\n", path: "/m.csv", format: .csv)
        #expect(result.diagnostics.positions == ["3:1 MANIFEST_SYNTAX"])
        #expect(result.manifest?.assets.count == 1)
    }

    @Test func headerOnlyIsEmpty() {
        #expect(loadManifest("id,title,video\n", path: "/m.csv", format: .csv).diagnostics.rules == [DiagnosticRule.empty])
    }

    @Test func invalidSubtitleLanguageColumnIsReportedOnceAtTheHeader() {
        let result = validateManifest("id,title,video,subtitle.en_gb\na,T,a.mp4,a.srt\nb,U,b.mp4,b.srt\n", path: "/m.csv", format: .csv)
        #expect(result.diagnostics.positions == ["1:16 LANGUAGE_INVALID"])
    }

    @Test func emptyIDCellIsAMissingField() {
        let result = loadManifest("id,title,video\n,T,v.mp4\n", path: "/m.csv", format: .csv)
        #expect(result.diagnostics.positions == ["2:1 MANIFEST_MISSING_FIELD"])
    }
}
