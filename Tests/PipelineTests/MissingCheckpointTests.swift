import Foundation
import IngestTestSupport
import Testing

/// Issue 14: `status --checkpoint nope.checkpoint` (a typo) reported "0 succeeded, 6 pending" and exit 0.
/// CONTRACT: `status`/`report` with a checkpoint that does not exist exit 2 with a hint.
@Suite struct MissingCheckpointTests {
    static let binary = ProcessRunner.product("skylark-ingest")
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// The example manifest (structure only: status and report do not read the media) in a temp dir.
    func manifestCopy() throws -> (TempDirectory, String) {
        let dir = try TempDirectory(prefix: "checkpoint")
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../manifests/example.yaml").standardized
        let manifest = dir.path("example.yaml")
        try FileManager.default.copyItem(atPath: source.path, toPath: manifest)
        return (dir, manifest)
    }

    var bareEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SKYLARK_") && !$0.key.hasPrefix("AWS_") }
    }

    @Test(.enabled(if: available), arguments: ["status", "report"])
    func mistypedCheckpointExitsTwoNamingThePathAndTheDefaultBesideTheManifest(_ command: String) async throws {
        let (dir, manifest) = try manifestCopy()
        defer { dir.remove() }
        #expect(FileManager.default.createFile(atPath: manifest + ".checkpoint", contents: Data()))
        let typo = dir.path("nope.checkpoint")
        var arguments = [command, manifest, "--checkpoint", typo]
        if command == "report" { arguments += ["--report-dir", dir.path("out")] }
        let result = try await ProcessRunner.run(Self.binary, arguments, environment: bareEnvironment)
        #expect(result.exitCode == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("CHECKPOINT_NOT_FOUND"))
        #expect(result.stderr.contains("no checkpoint at \(typo)"))
        #expect(result.stderr.contains("the manifest's checkpoint is \(manifest).checkpoint"))
        #expect(!result.stdout.contains("pending"))
        #expect(!FileManager.default.fileExists(atPath: typo), "nothing is created")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out")), "no report is written")
    }

    @Test(.enabled(if: available), arguments: ["status", "report"])
    func missingCheckpointWithoutOneBesideTheManifestExitsTwoNamingTheDefault(_ command: String) async throws {
        let (dir, manifest) = try manifestCopy()
        defer { dir.remove() }
        let typo = dir.path("nope.checkpoint")
        let result = try await ProcessRunner.run(Self.binary, [command, manifest, "--checkpoint", typo], environment: bareEnvironment)
        #expect(result.exitCode == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("no checkpoint at \(typo)"))
        #expect(result.stderr.contains("the default is \(manifest).checkpoint"))
    }

    @Test(.enabled(if: available), arguments: ["status", "report"])
    func manifestThatNeverRanExitsTwoSayingSo(_ command: String) async throws {
        let (dir, manifest) = try manifestCopy()
        defer { dir.remove() }
        let result = try await ProcessRunner.run(Self.binary, [command, manifest], environment: bareEnvironment)
        #expect(result.exitCode == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("no checkpoint at \(manifest).checkpoint"))
        #expect(result.stderr.contains("run `skylark-ingest run \(manifest)` first"))
        #expect(!FileManager.default.fileExists(atPath: manifest + ".report"))
    }

    @Test(.enabled(if: available))
    func existingCheckpointGivenExplicitlyStillWorks() async throws {
        let (dir, manifest) = try manifestCopy()
        defer { dir.remove() }
        let path = dir.path("elsewhere.checkpoint")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        let result = try await ProcessRunner.run(Self.binary, ["status", manifest, "--checkpoint", path], environment: bareEnvironment)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("6 pending"))
    }
}
