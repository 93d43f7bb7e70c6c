import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// Report writers against golden files (re-record with `RECORD_SNAPSHOTS=1`) and the JSON Schema.
@Suite struct ReportTests {
    /// A fixed report: one succeeded advanced item, one failed item, one pending simple item, one skipped.
    static func sampleReport() -> RunReport {
        let (assets, state, context) = sampleInputs()
        return ReportBuilder.build(assets: assets, state: state, context: context)
    }

    /// The manifest items, journal state and context behind `sampleReport`.
    static func sampleInputs() -> ([ManifestAsset], JournalState, ReportBuilder.Context) {
        let location = SourceLocation(file: "m.yaml", line: 1, column: 1)
        let assets = [
            ManifestAsset(id: "ok-1", title: "OK", video: "a.mp4", videoPath: "/m/a.mp4",
                          subtitles: [ManifestSubtitle(file: "a.srt", path: "/m/a.srt", language: "en-gb", location: location)],
                          location: location),
            ManifestAsset(id: "bad,\"2\"", uid: "asse_" + String(repeating: "f", count: 32), video: "b.mp4",
                          videoPath: "/m/b.mp4", location: location),
            ManifestAsset(id: "simple-3", mode: .simple, video: "c.mp4", videoPath: "/m/c.mp4", location: location),
            ManifestAsset(id: "other-4", mode: .simple, video: "d.mp4", videoPath: "/m/d.mp4", location: location),
        ]
        var state = JournalState()
        // Each record 1.5 s after the one before (journal times give the items' start, end and duration).
        var tick: Int64 = JournalTime.milliseconds("2026-11-25T14:00:00.000Z")!
        func add(_ item: String, _ stage: Stage, _ event: JournalEvent, op: String? = nil, _ data: [String: JSONValue] = [:]) {
            tick += 1500
            state.apply(JournalEntry(item: item, stage: stage, event: event, op: op, data: data, at: JournalTime.text(tick)))
        }
        add("ok-1", .assets, .done, ["asset_uid": .string("asse_" + String(repeating: "1", count: 32)), "asset_url": .string("/api/assets/x/")])
        add("ok-1", .documents, .done, op: "text_track:en-gb", ["language": .string("en-gb"),
            "text_track_uid": .string("text_" + String(repeating: "2", count: 32))])
        add("ok-1", .documents, .done, op: "document:en-gb", ["language": .string("en-gb"),
            "document_uid": .string("docu_" + String(repeating: "3", count: 32))])
        add("ok-1", .documents, .done, op: "upload:en-gb", ["language": .string("en-gb"), "uploaded": .bool(true)])
        add("ok-1", .documents, .done)
        add("ok-1", .transfer, .done, ["bucket": .string("wf"), "key": .string("a.mp4"), "etag": .string("\"abc\""), "bytes": .number(1234)])
        add("bad,\"2\"", .assets, .failed, ["error": .object(["code": .string("SKYLARK_ASSET_NOT_FOUND"),
                                                             "message": .string("asset <x> & \"y\" does not exist")])])
        return (assets, state, .init(
            tool: "0.1.0", manifestPath: "m.yaml", checkpointPath: "m.yaml.checkpoint",
            generatedAt: "2026-11-25T15:00:00.000Z", stages: Stage.defaultRun, excluded: ["other-4"]))
    }

    @Test func reportModelCountsEveryStatus() {
        let report = Self.sampleReport()
        #expect(report.counts.total == 4)
        #expect(report.counts.succeeded == 1)
        #expect(report.counts.failed == 1)
        #expect(report.counts.pending == 1)
        #expect(report.counts.skipped == 1)
        let failed = report.items[1]
        #expect(failed.errorCode == "SKYLARK_ASSET_NOT_FOUND" && failed.stage == .assets)
        #expect(report.items[0].stages["transfer"] == "done")
        #expect(report.items[2].stages["assets"] == "not_applicable")
    }

    @Test(arguments: ["report.json", "report.csv", "junit.xml", "summary.md"])
    func writerMatchesGoldenFile(name: String) async throws {
        let dir = try TempDirectory(prefix: "report")
        defer { dir.remove() }
        try ReportWriter.write(Self.sampleReport(), to: dir.url.path)
        let written = try String(contentsOfFile: dir.path(name), encoding: .utf8)
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/\(name)")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil || !FileManager.default.fileExists(atPath: golden.path) {
            try written.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(golden.path); run again to compare")
            return
        }
        #expect(written == (try String(contentsOf: golden, encoding: .utf8)))
    }

    @Test func streamedJSONIsExactlyWhatJSONEncoderWrites() async throws {
        var report = Self.sampleReport()
        var controls = ""
        for value in 0..<0x20 { controls.unicodeScalars.append(Unicode.Scalar(value)!) }
        report.items[1].message = "quote \" backslash \\ slash / " + controls + " é \u{7f} \u{2028} 😀"
        report.items[0].textTracks[0].textTrackUID = nil
        report.items[0].textTracks[0].documentUID = nil
        report.items[0].bytes = Int64.max
        report.manifest = "dir/m\".yaml"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        #expect(JSONReport.render(report) == String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
        report.items = []
        report.stages = []
        #expect(JSONReport.render(report) == String(decoding: try encoder.encode(report), as: UTF8.self) + "\n")
    }

    @Test func reportsRenderedRowByRowEqualReportsOfTheWholeModel() async throws {
        let (assets, state, context) = Self.sampleInputs()
        let whole = try TempDirectory(prefix: "report-whole")
        let rows = try TempDirectory(prefix: "report-rows")
        defer { whole.remove(); rows.remove() }
        try ReportWriter.write(ReportBuilder.build(assets: assets, state: state, context: context), to: whole.url.path)
        let counts = try ReportWriter.write(ReportSource(assets: assets, state: state, context: context), to: rows.url.path)
        #expect(counts == Self.sampleReport().counts)
        for name in ReportWriter.fileNames {
            #expect(try String(contentsOfFile: rows.path(name), encoding: .utf8)
                == String(contentsOfFile: whole.path(name), encoding: .utf8), "\(name)")
        }
        // Only the four reports are left behind (no temporary files).
        #expect(try FileManager.default.contentsOfDirectory(atPath: rows.url.path).sorted() == ReportWriter.fileNames.sorted())
    }

    @Test func aReportThatCannotBeWrittenFailsWithItsCodeAndLeavesNoTemporaryFile() async throws {
        let dir = try TempDirectory(prefix: "report-fail")
        defer { dir.remove() }
        // summary.md is a non-empty directory: renaming the new summary over it fails.
        try FileManager.default.createDirectory(atPath: dir.path("summary.md/x"), withIntermediateDirectories: true)
        let error = #expect(throws: IngestError.self) { try ReportWriter.write(Self.sampleReport(), to: dir.url.path) }
        #expect(error?.code == .reportWrite)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).allSatisfy { !$0.contains(".tmp-") })
    }

    @Test(.enabled(if: ProcessRunner.which("python3") != nil))
    func junitIsWellFormedXML() async throws {
        let xml = JUnitReport.render(Self.sampleReport())
        let script = """
        import sys, xml.etree.ElementTree as ET
        root = ET.fromstring(sys.stdin.read())
        cases = root.findall('.//testcase')
        failure = root.find('.//failure')
        print(len(cases), failure.get('type'), cases[1].get('name'))
        """
        let result = try await ProcessRunner.run(ProcessRunner.which("python3")!, ["-c", script], stdin: Data(xml.utf8))
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "4 SKYLARK_ASSET_NOT_FOUND bad,\"2\"")
    }

    @Test(.enabled { await ReportTests.pythonJSONSchemaAvailable() })
    func writtenReportValidatesAgainstTheSchema() async throws {
        let dir = try TempDirectory(prefix: "report")
        defer { dir.remove() }
        try ReportWriter.write(Self.sampleReport(), to: dir.url.path)
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../schemas/report.schema.json").standardized.path
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1])); report = json.load(open(sys.argv[2]))
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(schema).validate(report)
        bad = dict(report); bad["items"] = [dict(report["items"][0], status="weird")]
        assert not jsonschema.Draft202012Validator(schema).is_valid(bad)
        print("ok")
        """
        let result = try await ProcessRunner.run(ProcessRunner.which("python3")!, ["-c", script, schema, dir.path("report.json")])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ok"))
    }

    static func pythonJSONSchemaAvailable() async -> Bool {
        guard let python = ProcessRunner.which("python3") else { return false }
        return (try? await ProcessRunner.run(python, ["-c", "import jsonschema"]).exitCode) == 0
    }
}
