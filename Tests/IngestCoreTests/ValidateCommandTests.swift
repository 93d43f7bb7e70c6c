import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

/// Runs the built `skylark-ingest validate` and checks its output and exit status.
@Suite(.offThePool) struct ValidateCommandTests {
    static let binary = ProcessRunner.product("skylark-ingest")
    static var binaryExists: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first (swift build --build-tests builds it)"),
          arguments: ["example.yaml", "example.csv"])
    func exampleManifestExitsZero(_ name: String) async throws {
        let run = try await ProcessRunner.run(Self.binary, ["validate", "manifests/\(name)"], currentDirectory: repositoryRoot.path)
        #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("manifests/\(name): valid, 6 items"))
    }

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first"))
    func invalidManifestPrintsCompilerStyleLinesAndExitsTwo() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = try dir.write("m.yaml", "version: 1\nassets:\n  - {id: a, title: A, video: a.mp4}\n  - {id: a, titel: B, video: b.mp4}\n")
        let run = try await ProcessRunner.run(Self.binary, ["validate", path])
        #expect(run.exitCode == 2)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(path):3:10: error[ID_DUPLICATE]: the id \"a\" is also used at line 4 (item \"a\")"))
        #expect(lines.contains("\(path):4:13: error[MANIFEST_UNKNOWN_KEY]: unknown key `titel` (item \"a\")"))
        #expect(lines.contains("    hint: did you mean `title`?"))
        #expect(lines.last == "\(path): invalid, 6 errors, 0 warnings")
    }

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first"))
    func jsonOutputParsesAndCarriesEveryField() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let path = try dir.write("m.csv", "id,title,video\nbad id,T,missing.mp4\n")
        let run = try await ProcessRunner.run(Self.binary, ["validate", path, "--format", "json"])
        #expect(run.exitCode == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["manifest"] as? String == path)
        #expect(object["valid"] as? Bool == false)
        #expect(object["errors"] as? Int == 2)
        #expect(object["warnings"] as? Int == 0)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.map { $0["rule"] as? String } == ["ID_INVALID", "FILE_MISSING"])
        let first = diagnostics[0]
        #expect(Set(first.keys) == ["file", "line", "column", "item_id", "field", "rule", "message", "hint", "severity"])
        #expect(first["line"] as? Int == 2)
        #expect(first["column"] as? Int == 1)
        #expect(first["item_id"] as? String == "bad id")
        #expect(first["field"] as? String == "id")
        #expect(first["severity"] as? String == "error")
    }

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first"))
    func warningsAloneExitZero() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        _ = try dir.write("v.mp4", Data([0, 0, 0, 0x10] + Array("ftypisom".utf8) + [0, 0, 0, 0]))
        let path = try dir.write("m.yaml", "version: 1\nassets:\n  - {id: a, title: A, video: v.mp4}\n  - {id: b, title: B, video: v.mp4, key: b.mp4}\n")
        let run = try await ProcessRunner.run(Self.binary, ["validate", path])
        #expect(run.exitCode == 0, "\(run.stdout)")
        #expect(run.stdout.contains("warning[VIDEO_REUSED]"))
    }

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first"))
    func moreThanAThousandProblemsShowTheFirstThousandAndCountTheRestInTextAndJSON() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        var yaml = "version: 1\nassets:\n"
        for index in 0..<1_200 { yaml += "  - {id: a\(index), title: T\(index), video: v\(index).mp4, mode: bogus}\n" }
        let path = try dir.write("m.yaml", yaml)
        // MODE_INVALID and FILE_MISSING per item: 2,400 errors.
        let text = try await ProcessRunner.run(Self.binary, ["validate", path])
        #expect(text.exitCode == 2)
        #expect(text.stdout.split(separator: "\n").count { $0.contains(": error[") } == 1_000)
        #expect(text.stdout.contains("\n\(path): 1400 more diagnostics not shown (only the first 1000 are listed)\n"))
        #expect(text.stdout.hasSuffix("\(path): invalid, 2400 errors, 0 warnings\n"))
        let json = try await ProcessRunner.run(Self.binary, ["validate", path, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["errors"] as? Int == 2_400)
        #expect(object["suppressed"] as? Int == 1_400)
        #expect((object["diagnostics"] as? [Any])?.count == 1_000)
    }

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first"))
    func missingManifestExitsTwo() async throws {
        let run = try await ProcessRunner.run(Self.binary, ["validate", "/nonexistent/m.yaml"])
        #expect(run.exitCode == 2)
        #expect(run.stdout.contains("error[FILE_MISSING]"))
    }
}
