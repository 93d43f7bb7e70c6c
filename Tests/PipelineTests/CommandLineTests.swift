import Foundation
import IngestTestSupport
import Testing

/// The built `skylark-ingest` binary: exit codes and outputs of run/status/report without servers.
@Suite struct CommandLineTests {
    static let binary = ProcessRunner.product("skylark-ingest")
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// A copy of `manifests/` (the example catalogue) in a temp dir.
    func exampleCopy() throws -> TempDirectory {
        let dir = try TempDirectory(prefix: "cli")
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../manifests")
            .standardized
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: dir.url.appendingPathComponent(name))
        }
        return dir
    }

    /// The environment without any Skylark or AWS settings.
    var bareEnvironment: [String: String] {
        // Instance metadata off: a run that got as far as AWS credentials must never reach 169.254.169.254.
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SKYLARK_") && !$0.key.hasPrefix("AWS_") }
            .merging(["AWS_EC2_METADATA_DISABLED": "true"]) { $1 }
    }

    @Test(.enabled(if: available))
    func dryRunPrintsThePlanAndWritesNothing() async throws {
        let dir = try exampleCopy()
        defer { dir.remove() }
        let manifest = dir.path("example.yaml")
        let result = try await ProcessRunner.run(Self.binary, ["run", manifest, "--dry-run"], environment: bareEnvironment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("would create asset"))
        #expect(result.stdout.contains("nothing was sent"))
        #expect(!FileManager.default.fileExists(atPath: manifest + ".checkpoint"))
        #expect(!FileManager.default.fileExists(atPath: manifest + ".report"))
    }

    @Test(.enabled(if: available))
    func missingConfigurationExitsThreeBeforeAnyWork() async throws {
        let dir = try exampleCopy()
        defer { dir.remove() }
        let manifest = dir.path("example.yaml")
        let result = try await ProcessRunner.run(Self.binary, ["run", manifest, "--no-progress"], environment: bareEnvironment)
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("SKYLARK_NOT_CONFIGURED"))
        #expect(!FileManager.default.fileExists(atPath: manifest + ".checkpoint"))
    }

    @Test(.enabled(if: available))
    func plainHTTPAPIURLToAHostThatIsNotLoopbackExitsThreeBeforeAnyWork() async throws {
        let dir = try exampleCopy()
        defer { dir.remove() }
        let manifest = dir.path("example.yaml")
        var environment = bareEnvironment
        environment["SKYLARK_API_URL"] = "http://skylark.example.com/api/"
        environment["SKYLARK_TOKEN"] = "bearer-that-must-not-leak"
        let result = try await ProcessRunner.run(Self.binary, ["run", manifest, "--no-progress"],
                                           environment: environment)
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("SKYLARK_INSECURE_URL"))
        #expect(result.stderr.contains("https://"))
        #expect(!result.stderr.contains("bearer-that-must-not-leak") && !result.stdout.contains("bearer-that-must-not-leak"))
        #expect(!FileManager.default.fileExists(atPath: manifest + ".checkpoint"))
    }

    @Test(.enabled(if: available))
    func invalidManifestExitsTwo() async throws {
        let dir = try TempDirectory(prefix: "cli")
        defer { dir.remove() }
        let manifest = try dir.write("bad.yaml", "version: 1\nassets:\n  - id: 'bad id!'\n")
        let result = try await ProcessRunner.run(Self.binary, ["run", manifest], environment: bareEnvironment)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("error["))
    }

    @Test(.enabled(if: available))
    func unknownStageIsAUsageError() async throws {
        let result = try await ProcessRunner.run(Self.binary, ["run", "m.yaml", "--stages", "assets,nope"], environment: bareEnvironment)
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("nope"))
    }

    @Test(.enabled(if: available))
    func statusAndReportWorkFromAnEmptyCheckpoint() async throws {
        let dir = try exampleCopy()
        defer { dir.remove() }
        let manifest = dir.path("example.yaml")
        // An empty journal (a missing one is exit 2: MissingCheckpointTests).
        #expect(FileManager.default.createFile(atPath: manifest + ".checkpoint", contents: Data()))
        let status = try await ProcessRunner.run(Self.binary, ["status", manifest, "--format", "json"], environment: bareEnvironment)
        #expect(status.exitCode == 0, "\(status.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect((json?["items"] as? [String: Int])?["pending"] == 6)
        let report = try await ProcessRunner.run(Self.binary, ["report", manifest, "--report-dir", dir.path("out")],
                                           environment: bareEnvironment)
        #expect(report.exitCode == 0, "\(report.stderr)")
        for name in ["report.json", "report.csv", "junit.xml", "summary.md"] {
            #expect(FileManager.default.fileExists(atPath: dir.path("out/\(name)")))
        }
    }
}
