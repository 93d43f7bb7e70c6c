import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// A failure's hint (how to fix it) survives into the journal, its compaction, the four reports and
/// `status`, also when they are read by a later process.
@Suite struct FailureHintTests {
    static let unknownUID = "asse_" + String(repeating: "e", count: 32)
    static let uidHint = "check the item's uid"

    // MARK: Journal

    @Test func aFailuresHintIsRecordedInTheJournalAndReplayed() {
        let error = IngestError(code: .skylarkAssetNotFound, item: "a", stage: .assets, message: "gone", hint: "look again")
        let data = ItemState.errorData(error)
        #expect(data == .object(["code": .string("SKYLARK_ASSET_NOT_FOUND"), "message": .string("gone"),
                                 "hint": .string("look again"), "retryable": .bool(false)]))
        var item = ItemState(id: "a")
        item.apply(JournalEntry(item: "a", stage: .assets, event: .failed, data: ["error": data]))
        #expect(item.assets.error?.hint == "look again")
        #expect(item.assets.error?.code == .skylarkAssetNotFound)
    }

    @Test func aFailuresHintSurvivesCompaction() {
        var item = ItemState(id: "a")
        item.apply(JournalEntry(item: "a", stage: .transfer, event: .failed, data: [
            "error": ItemState.errorData(IngestError(code: .s3KeyConflict, message: "taken", hint: "rename the key")),
        ]))
        var compacted = ItemState(id: "a")
        for entry in item.summaryEntries() { compacted.apply(entry) }
        #expect(compacted.transfer.error?.hint == "rename the key")
        #expect(compacted.transfer.status == .failed)
    }

    @Test func aRecordWithoutHintFromAnOlderJournalStillReads() {
        var item = ItemState(id: "a")
        item.apply(JournalEntry(item: "a", stage: .assets, event: .failed, data: [
            "error": .object(["code": .string("SKYLARK_SLUG_TAKEN"), "message": .string("taken"), "retryable": .bool(false)]),
        ]))
        #expect(item.assets.error?.code == .skylarkSlugTaken)
        #expect(item.assets.error?.message == "taken")
        #expect(item.assets.error?.hint == nil)
        // And an error without a hint is recorded as before (no `hint` key).
        #expect(ItemState.errorData(IngestError(code: .skylarkSlugTaken, message: "taken"))
                == .object(["code": .string("SKYLARK_SLUG_TAKEN"), "message": .string("taken"), "retryable": .bool(false)]))
    }

    // MARK: Reports

    /// A catalogue of one item whose `uid` Skylark does not know, with its manifest on disk.
    static func unknownUIDFixture() throws -> (Fixture, manifest: String) {
        var fixture = try Fixture(advanced: 0)
        _ = try fixture.directory.write("media/hinted.mp4", "not really a video")
        let manifest = try fixture.directory.write("manifest.yaml", """
            version: 1
            assets:
              - id: hinted
                uid: \(unknownUID)
                video: media/hinted.mp4

            """)
        let loaded = ManifestValidator.validate(path: manifest, checkFiles: false)
        let assets = try #require(loaded.manifest?.assets, "\(loaded.diagnostics)")
        fixture.assets = assets
        return (fixture, manifest)
    }

    /// Checks that `dir` holds the four reports, each with the uid hint of the failed item.
    static func expectHintInAllFourReports(_ dir: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let json = try String(contentsOfFile: dir + "/report.json", encoding: .utf8)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let items = parsed?["items"] as? [[String: Any]]
        #expect(items?.first?["hint"] as? String == uidHint, sourceLocation: sourceLocation)
        #expect(items?.first?["error_code"] as? String == "SKYLARK_ASSET_NOT_FOUND", sourceLocation: sourceLocation)

        let csv = try String(contentsOfFile: dir + "/report.csv", encoding: .utf8)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines.first?.contains(",message,hint,") == true, sourceLocation: sourceLocation)
        #expect(lines.dropFirst().first?.contains(",\(uidHint),") == true, "\(csv)", sourceLocation: sourceLocation)

        let junit = try String(contentsOfFile: dir + "/junit.xml", encoding: .utf8)
        #expect(junit.contains("type=\"SKYLARK_ASSET_NOT_FOUND\""), sourceLocation: sourceLocation)
        #expect(junit.contains(" — check the item&apos;s uid\""), "\(junit)", sourceLocation: sourceLocation)

        let summary = try String(contentsOfFile: dir + "/summary.md", encoding: .utf8)
        #expect(summary.contains("| id | title | source | stage | code | message | hint |"), sourceLocation: sourceLocation)
        #expect(summary.contains("| \(uidHint) |"), "\(summary)", sourceLocation: sourceLocation)
    }

    @Test func anItemFailingWithAHintedErrorShowsTheHintInAllFourReports() async throws {
        let (fixture, _) = try Self.unknownUIDFixture()
        defer { fixture.directory.remove() }
        let (result, state) = try await fixture.run()
        #expect(result.errors["hinted"]?.code == .skylarkAssetNotFound)
        #expect(result.errors["hinted"]?.hint == Self.uidHint)
        let report = ReportBuilder.build(
            assets: fixture.assets, state: state,
            context: .init(tool: "test", manifestPath: "manifest.yaml", checkpointPath: fixture.journalPath,
                           generatedAt: "2026-12-05T10:00:00.000Z", stages: Stage.defaultRun),
            outcomes: result.outcomes, errors: result.errors)
        let out = fixture.directory.path("report")
        try ReportWriter.write(report, to: out)
        try Self.expectHintInAllFourReports(out)
    }

    @Test func aDriftRefusalShowsItsHintInTheReport() async throws {
        var fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        _ = try await fixture.run(stages: [.assets])
        fixture.assets[0].title = "Changed"
        let (result, state) = try await fixture.run()
        let error = try #require(result.errors["item-0"])
        #expect(error.code == .manifestDrift)
        let report = ReportBuilder.build(
            assets: fixture.assets, state: state,
            context: .init(tool: "test", manifestPath: "manifest.yaml", checkpointPath: fixture.journalPath,
                           generatedAt: "2026-12-05T10:00:00.000Z", stages: Stage.defaultRun),
            outcomes: result.outcomes, errors: result.errors)
        #expect(report.items[0].hint?.contains("restore the item's previous definition") == true)
        #expect(CSVReport.render(report).contains("restore the item's previous definition"))
        #expect(MarkdownSummary.render(report).contains("restore the item"))
    }

    // MARK: After a restart: status and report read the hint back from the journal

    @Test(.enabled(if: CommandLineTests.available))
    func statusAndReportOfALaterProcessShowTheHintFromTheJournal() async throws {
        let (fixture, manifest) = try Self.unknownUIDFixture()
        defer { fixture.directory.remove() }
        let (result, _) = try await fixture.run()
        #expect(result.outcomes["hinted"] == .failed)
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SKYLARK_") && !$0.key.hasPrefix("AWS_") }

        let text = try await ProcessRunner.run(CommandLineTests.binary, ["status", manifest], environment: environment)
        #expect(text.exitCode == 0, "\(text.stderr)")
        #expect(text.stdout.contains("hinted (assets): [SKYLARK_ASSET_NOT_FOUND]"), "\(text.stdout)")
        #expect(text.stdout.contains(" — \(Self.uidHint)\n"), "\(text.stdout)")

        let json = try await ProcessRunner.run(CommandLineTests.binary, ["status", manifest, "--format", "json"],
                                               environment: environment)
        #expect(json.exitCode == 0, "\(json.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let failures = parsed?["failures"] as? [[String: Any]]
        #expect(failures?.count == 1)
        #expect(failures?.first?["hint"] as? String == Self.uidHint, "\(json.stdout)")
        #expect(failures?.first?["error_code"] as? String == "SKYLARK_ASSET_NOT_FOUND")

        let out = fixture.directory.path("later-report")
        let report = try await ProcessRunner.run(CommandLineTests.binary, ["report", manifest, "--report-dir", out],
                                                 environment: environment)
        #expect(report.exitCode == 0, "\(report.stderr)")
        try Self.expectHintInAllFourReports(out)
    }
}
