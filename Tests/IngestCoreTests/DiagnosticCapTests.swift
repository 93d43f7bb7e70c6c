import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

/// A manifest with thousands of problems reports the first `ValidationResult.maxDiagnostics` and how
/// many more there were, in text and in JSON; the totals and the verdict still count every one.
@Suite(.offThePool) struct DiagnosticCapTests {
    /// `count` assets, each with one `MODE_INVALID` error.
    static func manifest(errors count: Int) -> String {
        var yaml = "version: 1\nassets:\n"
        for index in 0..<count { yaml += "  - {id: a\(index), title: T\(index), video: v\(index).mp4, mode: bogus}\n" }
        return yaml
    }

    @Test func moreThanTheCapKeepsTheFirstThousandAndCountsTheRest() {
        let result = validateManifest(Self.manifest(errors: 1_500))
        #expect(ValidationResult.maxDiagnostics == 1_000)
        #expect(result.diagnostics.count == 1_000)
        #expect(result.suppressedCount == 500)
        #expect(result.errorCount == 1_500)
        #expect(result.hasErrors)
        // The kept ones are the first in position order.
        #expect(result.diagnostics.first?.location.line == 3)
        #expect(result.diagnostics.last?.location.line == 1_002)
    }

    @Test func errorsAreKeptBeforeAFloodOfWarnings() {
        // 1,200 VIDEO_REUSED warnings first in the file, then one error at the end.
        var yaml = "version: 1\nassets:\n"
        for index in 0..<1_200 { yaml += "  - {id: a\(index), title: T\(index), video: same.mp4, key: k\(index).mp4}\n" }
        yaml += "  - {id: last, title: L, video: other.mp4, mode: bogus}\n"
        let result = validateManifest(yaml)
        #expect(result.diagnostics.count == 1_000)
        #expect(result.diagnostics.last?.rule == DiagnosticRule.modeInvalid)
        #expect(result.errorCount == 1)
        #expect(result.warningCount == 1_200)
        #expect(result.suppressedCount == 201)
    }

    @Test func atTheCapNothingIsSuppressed() {
        let result = validateManifest(Self.manifest(errors: 1_000))
        #expect(result.diagnostics.count == 1_000)
        #expect(result.suppressedCount == 0)
    }

    @Test func textOutputSaysHowManyMoreWereSuppressed() {
        let result = validateManifest(Self.manifest(errors: 1_500))
        let text = DiagnosticFormatter.text(result, manifestPath: "/m/manifest.yaml")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count { $0.contains("error[MODE_INVALID]") } == 1_000)
        #expect(text.contains("\n/m/manifest.yaml: 500 more diagnostics not shown (only the first 1000 are listed)\n"))
        #expect(text.hasSuffix("\n/m/manifest.yaml: invalid, 1500 errors, 0 warnings\n"))
    }

    @Test func jsonOutputCarriesTheSuppressedCount() throws {
        let result = validateManifest(Self.manifest(errors: 1_500))
        let json = DiagnosticFormatter.json(result, manifestPath: "/m/manifest.yaml")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["errors"] as? Int == 1_500)
        #expect(object["suppressed"] as? Int == 500)
        #expect((object["diagnostics"] as? [Any])?.count == 1_000)
    }

    @Test func jsonOutputSaysZeroSuppressedWhenNothingWas() throws {
        let result = validateManifest(Self.manifest(errors: 2))
        let json = DiagnosticFormatter.json(result, manifestPath: "/m/manifest.yaml")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["suppressed"] as? Int == 0)
    }

    @Test func diagnosticsAddedLaterRespectTheCap() {
        var result = validateManifest(Self.manifest(errors: 999))
        let extra = (0..<5).map { Diagnostic.warning("ONLINE", "w\($0)", at: SourceLocation(file: "/m/manifest.yaml", line: 9_000, column: 1)) }
        result.add(extra)
        #expect(result.diagnostics.count == 1_000)
        #expect(result.suppressedCount == 4)
        #expect(result.warningCount == 5)
        #expect(result.errorCount == 999)
    }
}
