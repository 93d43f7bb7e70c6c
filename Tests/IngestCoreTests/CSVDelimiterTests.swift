import Testing
@testable import IngestCore

/// Issue 14: a `;`-separated CSV (Excel in many locales) was read as one unknown column
/// `id;title;…`. The header's delimiter is detected; `;` and TAB files load, with a warning.
@Suite struct CSVDelimiterTests {
    @Test func semicolonFileLoadsWithAWarningNamingTheDelimiter() throws {
        let csv = "id;title;video;subtitle.fr;field.synopsis\n"
            + "a1;\"Title, with comma\";media/a.mp4;subs/a.srt;\"says \"\"hi\"\"; then\tleaves\"\n"
            + "a2;B;media/b.mp4;;\n"
        let result = loadManifest(csv, path: "/data/m.csv", format: .csv)
        #expect(result.diagnostics.map(\.rule) == ["CSV_DELIMITER"], "\(result.diagnostics.map(\.formatted))")
        let warning = try #require(result.diagnostics.first)
        #expect(warning.severity == .warning)
        #expect(warning.message == "the header is separated by `;`, not `,`: the file was read with `;` as the delimiter")
        #expect(warning.location.line == 1)
        let assets = try #require(result.manifest?.assets)
        #expect(assets.map(\.id) == ["a1", "a2"])
        #expect(assets[0].title == "Title, with comma")
        #expect(assets[0].fields == ["synopsis": .string("says \"hi\"; then\tleaves")])
        #expect(assets[0].subtitles.map(\.language) == ["fr"])
        #expect(assets[0].subtitles.first?.path == "/data/subs/a.srt")
        #expect(assets[1].video == "media/b.mp4")
        #expect(assets[1].location(of: "video") == SourceLocation(file: "/data/m.csv", line: 3, column: 6))
    }

    @Test func tabFileLoadsWithAWarningNamingTheDelimiter() throws {
        let csv = "id\ttitle\tvideo\r\na1\t\"Semi; and, comma\"\tmedia/a.mp4\r\na2\t\"two\nlines\"\tmedia/b.mp4\r\n"
        let result = loadManifest(csv, path: "/data/m.csv", format: .csv)
        #expect(result.diagnostics.map(\.rule) == ["CSV_DELIMITER"], "\(result.diagnostics.map(\.formatted))")
        #expect(result.diagnostics.first?.message == "the header is separated by TAB, not `,`: the file was read with TAB as the delimiter")
        let assets = try #require(result.manifest?.assets)
        #expect(assets.map(\.title) == ["Semi; and, comma", "two\nlines"])
        #expect(assets.map(\.video) == ["media/a.mp4", "media/b.mp4"])
    }

    @Test func quotedSemicolonHeaderIsDetected() throws {
        let result = loadManifest("\"id\";\"title\";\"video\"\na;T;v.mp4\n", path: "/m.csv", format: .csv)
        #expect(result.diagnostics.map(\.rule) == ["CSV_DELIMITER"], "\(result.diagnostics.map(\.formatted))")
        #expect(result.manifest?.assets.first?.title == "T")
    }

    @Test func commaFileWithSemicolonsInCellsStaysComma() throws {
        let result = loadManifest("id,title,video\na,\"x;y\",v.mp4\n", path: "/m.csv", format: .csv)
        #expect(result.diagnostics.isEmpty)
        #expect(result.manifest?.assets.first?.title == "x;y")
    }

    @Test func semicolonHeaderWithAnUnknownColumnIsNotGuessed() {
        // Only a header that splits into known columns switches the delimiter.
        let result = loadManifest("id;titel;video\na;T;v.mp4\n", path: "/m.csv", format: .csv)
        #expect(result.diagnostics.map(\.rule) == ["MANIFEST_UNKNOWN_KEY", "MANIFEST_MISSING_FIELD", "MANIFEST_MISSING_FIELD"])
        #expect(!result.diagnostics.contains { $0.rule == "CSV_DELIMITER" })
    }

    @Test func rowWithTheWrongCellCountNamesTheDetectedDelimiter() {
        let result = loadManifest("id;title;video\na;T;v.mp4;extra\n", path: "/m.csv", format: .csv)
        let syntax = result.diagnostics.first { $0.rule == "MANIFEST_SYNTAX" }
        #expect(syntax?.hint == "quote cells that contain `;`; every row needs one cell per column")
    }

    @Test(arguments: [CSVParser.Delimiter.comma, .semicolon, .tab])
    func parserSplitsOnlyOnTheGivenDelimiter(_ delimiter: CSVParser.Delimiter) throws {
        let d = String(UnicodeScalar(delimiter.rawValue))
        let text = "a\(d)\"b,;\tc\"\(d)d\n"
        var records: [[String]] = []
        try CSVParser.parse(Array(text.utf8)[...], delimiter: delimiter) { cells, _ in records.append(cells.map(\.value)) }
        #expect(records == [["a", "b,;\tc", "d"]])
    }
}
