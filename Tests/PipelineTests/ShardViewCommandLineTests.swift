import Foundation
import IngestCore
import IngestTestSupport
import Testing

/// Issue 12: which checkpoints `status` and `report` read (the built binary, no servers): a directory of shard
/// checkpoints, an empty directory, shard checkpoints beside a manifest that also has `MANIFEST.checkpoint`,
/// an `s3://` prefix that cannot be reached, and journals that do not make one migration.
@Suite struct ShardViewCommandLineTests {
    static let binary = ProcessRunner.product("skylark-ingest")
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }
    static let ids = ["skylark-s01e01", "skylark-s01e02", "skylark-s01e03", "skylark-s01e04", "trailer-autumn", "trailer-winter"]

    var bareEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SKYLARK_") && !$0.key.hasPrefix("AWS_") }
    }

    /// The example manifest in a temp dir.
    func manifestCopy() throws -> (TempDirectory, String) {
        let dir = try TempDirectory(prefix: "merged-view")
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../manifests/example.yaml").standardized
        let manifest = dir.path("example.yaml")
        try FileManager.default.copyItem(atPath: source.path, toPath: manifest)
        return (dir, manifest)
    }

    /// A journal of `shard` recording each of `done` as transferred.
    func writeJournal(_ path: String, shard: String?, done: [String] = []) throws {
        var bytes = JournalCodec.encode(.header(JournalHeader(toolVersion: "t", manifestPath: "example.yaml", manifestSHA256: "",
                                                              createdAt: "2025-01-01T00:00:00.000Z", shard: shard)))
        for (offset, id) in done.enumerated() {
            bytes += JournalCodec.encode(.entry(JournalEntry(seq: UInt64(offset + 1), item: id, stage: .transfer, event: .done,
                                                             at: "2025-03-04T05:06:07.000Z")))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func run(_ arguments: [String]) async throws -> ProcessResult {
        try await ProcessRunner.run(Self.binary, arguments, environment: bareEnvironment)
    }

    @Test(.enabled(if: available))
    func aDirectoryOfShardCheckpointsGivesTheViewOverShards() async throws {
        let (dir, manifest) = try manifestCopy()
        defer { dir.remove() }
        let checkpoints = dir.path("checkpoints")
        try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
        let first = Self.ids.filter { Shard.slot(of: $0, count: 2) == 0 }
        try writeJournal(checkpoints + "/shard-1-of-2.checkpoint", shard: "1/2", done: first)
        let result = try await run(["status", manifest, "--checkpoint", checkpoints])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("— checkpoint \(checkpoints)\n"), "\(result.stdout)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("  1/2 ") && $0.hasSuffix("2025-03-04T05:06:07.000Z") }, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("  2/2 ") && $0.hasSuffix("no checkpoint yet") }, "\(result.stdout)")
        // Only simple items (the trailers) succeed on their transfer alone; advanced ones are in progress.
        let succeeded = first.filter { $0.hasPrefix("trailer-") }.count
        #expect(result.stdout.contains("items: 6 total, \(succeeded) succeeded, 0 failed, \(6 - succeeded) pending"))
    }

    @Test(.enabled(if: available), arguments: ["status", "report"])
    func anEmptyDirectoryIsExitTwoWithNoCheckpointThere(_ command: String) async throws {
        let (dir, manifest) = try manifestCopy()
        defer { dir.remove() }
        let result = try await run([command, manifest, "--checkpoint", dir.path("")])
        #expect(result.exitCode == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("CHECKPOINT_NOT_FOUND"), "\(result.stderr)")
    }

    @Test(.enabled(if: available))
    func theManifestsOwnCheckpointWinsOverShardCheckpointsBesideIt() async throws {
        let (dir, manifest) = try manifestCopy()
        defer { dir.remove() }
        try writeJournal(manifest + ".checkpoint", shard: nil, done: Self.ids)
        try writeJournal(manifest + ".shard-1-of-2.checkpoint", shard: "1/2")
        let result = try await run(["status", manifest, "--format", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(!result.stdout.contains(#""shards""#) && !result.stdout.contains(#""shard""#), "\(result.stdout)")
        #expect(result.stdout.contains(#""done" : 6"#), "the manifest's checkpoint was read: \(result.stdout)")
    }

    @Test(.enabled(if: available), arguments: ["status", "report"])
    func anS3PrefixThatCannotBeReachedIsExitThreeNeverAnEmptyView(_ command: String) async throws {
        let (dir, manifest) = try manifestCopy()
        defer { dir.remove() }
        var environment = bareEnvironment
        // Static keys and an endpoint nothing listens on: the prefix cannot be read.
        environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE"
        environment["AWS_SECRET_ACCESS_KEY"] = "secret"
        environment["AWS_REGION"] = "us-east-1"
        environment["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:1"
        environment["AWS_MAX_ATTEMPTS"] = "1"
        var arguments = [command, manifest, "--checkpoint", "s3://bucket/migration/"]
        if command == "report" { arguments += ["--report-dir", dir.path("out")] }
        let result = try await ProcessRunner.run(Self.binary, arguments, environment: environment)
        #expect(result.exitCode == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("error"), "\(result.stderr)")
        #expect(!result.stdout.contains("pending"), "never an empty view")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out/report.json")), "no report from nothing")
    }

    @Test(.enabled(if: available))
    func shardCheckpointsOfTwoCountsBesideTheManifestAreExitTwoNamingTheCode() async throws {
        let (dir, manifest) = try manifestCopy()
        defer { dir.remove() }
        try writeJournal(manifest + ".shard-1-of-2.checkpoint", shard: "1/2", done: [Self.ids[0]])
        try writeJournal(manifest + ".shard-1-of-3.checkpoint", shard: "1/3", done: [Self.ids[1]])
        let result = try await run(["report", manifest, "--report-dir", dir.path("out")])
        #expect(result.exitCode == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("CHECKPOINT_SHARD_COUNTS") && result.stderr.contains("shard count is fixed"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("out")), "no report is written")
    }
}
