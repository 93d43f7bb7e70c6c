import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// Report files stay valid and inert whatever text items, messages and paths carry (issue 10, point 8).
@Suite struct HostileReportTextTests {
    /// The sample report with the failed item's id and message replaced.
    static func report(id: String, message: String, hint: String? = nil, manifest: String = "m.yaml") -> RunReport {
        var report = ReportTests.sampleReport()
        report.items[1].id = id
        report.items[1].message = message
        report.items[1].hint = hint
        report.manifest = manifest
        return report
    }

    // MARK: junit.xml

    /// Text with characters XML 1.0 does not allow, markup characters, and a right-to-left override.
    static let hostileXML = "nul \u{0} soh \u{1} esc \u{1B} nonchar \u{FFFE} end ]]> lt < amp & rlo \u{202E} ok"
    /// How `hostileXML` reads back from the parsed report.
    static let hostileXMLReadable =
        "nul \\u{0000} soh \\u{0001} esc \\u{001B} nonchar \\u{FFFE} end ]]> lt < amp & rlo \\u{202E} ok"

    @Test func junitWithCharactersXMLDoesNotAllowParsesAndShowsThemAsEscapes() throws {
        let xml = JUnitReport.render(Self.report(id: "id " + Self.hostileXML, message: Self.hostileXML,
                                                 manifest: "m\u{1}.yaml"))
        #expect(!xml.contains("&#0;") && !xml.contains("&#1;") && !xml.contains("&#27;"))
        let parsed = try ParsedXML(xml)
        let failure = try #require(parsed.elements.first { $0.name == "failure" })
        #expect(failure.attributes["message"] == Self.hostileXMLReadable)
        let testcases = parsed.elements.filter { $0.name == "testcase" }
        #expect(testcases.count == 4)
        #expect(testcases[1].attributes["name"] == "id " + Self.hostileXMLReadable)
        #expect(parsed.elements.first { $0.name == "testsuite" }?.attributes["name"] == "m\\u{0001}.yaml")
    }

    @Test func junitKeepsNewlinesTabsAndReturnsOfMessagesThroughAttributeNormalisation() throws {
        let xml = JUnitReport.render(Self.report(id: "x", message: "line 1\nline 2\r\n\tindented"))
        let failure = try #require(try ParsedXML(xml).elements.first { $0.name == "failure" })
        #expect(failure.attributes["message"] == "line 1\nline 2\r\n\tindented")
    }

    @Test func junitWrittenToDiskIsWellFormedWithHostileText() throws {
        let dir = try TempDirectory(prefix: "report-hostile")
        defer { dir.remove() }
        try ReportWriter.write(Self.report(id: Self.hostileXML, message: Self.hostileXML), to: dir.url.path)
        let parsed = try ParsedXML(String(contentsOfFile: dir.path("junit.xml"), encoding: .utf8))
        #expect(parsed.elements.first { $0.name == "failure" }?.attributes["message"] == Self.hostileXMLReadable)
    }

    // MARK: report.csv

    /// Cells a spreadsheet could read as a formula (OWASP CSV injection).
    static let formulaCells = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", " =1", "  +1", " \t@x",
                               "\u{FF1D}1+1"]

    @Test(arguments: formulaCells)
    func csvCellsThatCouldBeFormulasStartWithAQuoteMark(cell: String) throws {
        let field = Self.unquoted(CSVReport.quote(cell))
        #expect(field == "'" + cell, "\(field.debugDescription)")
    }

    @Test(arguments: ["ok-1", "a-b", "x=1", "", "text_abc", "1234", "\"abc\"", "asset <x> & y"])
    func csvCellsThatCannotBeFormulasAreUnchanged(cell: String) {
        #expect(Self.unquoted(CSVReport.quote(cell)) == cell)
    }

    @Test func csvRowShowsControlAndBidiCharactersAsEscapes() {
        var item = ReportTests.sampleReport().items[1]
        item.message = "a\u{1}b\u{202E}c\u{7F}d\u{85}e\u{2066}f\nnext"
        item.id = "\u{202E}id"
        item.hint = "\u{2066}fix"
        let row = CSVReport.row(item, shards: false)
        #expect(row.hasPrefix("\\u{202E}id,"))
        #expect(row.contains(",\"a\\u{0001}b\\u{202E}c\\u{007F}d\\u{0085}e\\u{2066}f\nnext\",\\u{2066}fix,"))
        #expect(!row.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x01 })
    }

    /// The field's value as a CSV reader sees it.
    static func unquoted(_ field: String) -> String {
        guard field.hasPrefix("\""), field.hasSuffix("\""), field.count >= 2 else { return field }
        return String(field.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }

    // MARK: summary.md

    static let hostileMarkdown = "<img src=x onerror=alert(1)>|**bold**|[link](http://x) `code` _em_ \\| back\\\n"
        + "# heading\r\n<script>alert(2)</script> &amp; \u{202E}rlo"

    @Test func markdownSummaryRendersHostileIdsAndMessagesInert() throws {
        let md = MarkdownSummary.render(Self.report(id: Self.hostileMarkdown, message: Self.hostileMarkdown,
                                                    hint: Self.hostileMarkdown))
        #expect(!md.contains("<img"))
        #expect(!md.contains("<script"))
        #expect(!md.contains("**bold"))
        #expect(!md.contains("[link]"))
        #expect(!md.contains("`code`"))
        #expect(!md.contains("_em_"))
        #expect(!md.contains("&amp; "), "a literal entity stays literal: & is escaped")
        #expect(!md.unicodeScalars.contains { $0.value == 0x202E || $0.value == 0x0D })
        #expect(md.contains("\\u{202E}rlo"))
        #expect(md.contains("&lt;img src=x onerror=alert(1)&gt;"))
        let failedTable = try #require(md.components(separatedBy: "## Failed items\n\n").last)
        let rows = failedTable.split(separator: "\n").map(String.init)
        #expect(rows.count == 3, "header, delimiter and one row: \(rows)")
        for row in rows {
            #expect(row.hasPrefix("|") && row.hasSuffix("|"))
            #expect(Self.unescapedPipes(row) == 8, "seven cells: \(row)")
        }
        #expect(md.split(separator: "\n").allSatisfy { !$0.hasPrefix("#") || $0.hasPrefix("# skylark") || $0.hasPrefix("## ") })
    }

    @Test func markdownSummaryKeepsTheManifestPathInOneIntactCodeSpan() {
        let md = MarkdownSummary.render(Self.report(id: "x", message: "m", manifest: "a`b``c<img>\n# h.yaml"))
        let line = md.split(separator: "\n").first { $0.hasPrefix("- Manifest:") }
        #expect(line == "- Manifest: ```a`b``c<img>\\u{000A}# h.yaml```")
        let plain = MarkdownSummary.render(Self.report(id: "x", message: "m", manifest: "`m.yaml`"))
        #expect(plain.contains("- Manifest: `` `m.yaml` ``\n"))
    }

    @Test(.enabled("needs markdown-it-py (scripts/test installs it)") { await HostileReportTextTests.markdownItAvailable() })
    func markdownSummaryRenderedByACommonMarkParserHasNoTagsLinksOrEmphasisFromTheText() async throws {
        let md = MarkdownSummary.render(Self.report(id: Self.hostileMarkdown, message: Self.hostileMarkdown,
                                                    hint: Self.hostileMarkdown, manifest: "a`b<img src=x>.yaml"))
        let script = """
        import re, sys
        from markdown_it import MarkdownIt
        html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(sys.stdin.read())
        for bad in ["<img", "<script", "<a ", "<em>", "<strong>bold", "<s>", "<h1>heading", "&amp;amp;amp;"]:
            assert bad not in html, (bad, html)
        assert "&lt;img src=x onerror=alert(1)&gt;|**bold**|[link](http://x) `code` _em_ \\| back\\<br>" in html, html
        assert "<code>a`b&lt;img src=x&gt;.yaml</code>" in html, html
        failed = html.split("<table>")[-1]
        rows = re.findall(r"<tr>(.*?)</tr>", failed, re.S)
        assert len(rows) == 2 and all(len(re.findall(r"<t[hd]>", row)) == 7 for row in rows), rows
        print("ok")
        """
        let result = try await ProcessRunner.run(ProcessRunner.which("python3")!, ["-c", script], stdin: Data(md.utf8))
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ok"))
    }

    static func markdownItAvailable() async -> Bool {
        guard let python = ProcessRunner.which("python3") else { return false }
        return (try? await ProcessRunner.run(python, ["-c", "import markdown_it"]).exitCode) == 0
    }

    /// `|` not escaped by a backslash (a backslash escaped by another does not count).
    static func unescapedPipes(_ line: String) -> Int {
        var count = 0
        var escaped = false
        for character in line {
            if escaped { escaped = false; continue }
            if character == "\\" { escaped = true } else if character == "|" { count += 1 }
        }
        return count
    }
}

/// A report parsed with Foundation's XML parser (libxml2): its elements with their attributes, in order.
final class ParsedXML: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var elements: [Element] = []

    init(_ text: String) throws {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        guard parser.parse() else {
            throw Failure(description: "not well-formed XML (\(parser.parserError.map { "\($0)" } ?? "?")) "
                + "at line \(parser.lineNumber): \(text)")
        }
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributeDict))
    }
}
