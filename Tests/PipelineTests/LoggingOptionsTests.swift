import Foundation
import IngestTestSupport
import Testing

/// The built `skylark-ingest`: `run`'s logging and transfer options, without servers.
@Suite struct LoggingOptionsTests {
    static let binary = ProcessRunner.product("skylark-ingest")
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// A copy of `manifests/` (the example catalogue) in a temp dir, and its manifest's path.
    func manifest() throws -> (TempDirectory, String) {
        let dir = try TempDirectory(prefix: "logging")
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../manifests")
            .standardized
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: dir.url.appendingPathComponent(name))
        }
        return (dir, dir.path("example.yaml"))
    }

    /// An environment with a Skylark API that is not secure (exit 3 before any work) and secrets to look for.
    var environment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SKYLARK_") && !$0.key.hasPrefix("AWS_") }
            .merging(["AWS_EC2_METADATA_DISABLED": "true", "SKYLARK_API_URL": "http://skylark.example.com/api/",
                      "SKYLARK_TOKEN": "bearer-that-must-not-leak", "AWS_SECRET_ACCESS_KEY": "secret-that-must-not-leak"]) { $1 }
    }

    @Test(.enabled(if: available), arguments: [
        ["--log-level", "loud"], ["--log-format", "xml"], ["-q", "-v"], ["--max-bandwidth", "fast"], ["--part-size", "big"],
    ])
    func badLoggingOrTransferOptionsAreUsageErrors(options: [String]) async throws {
        let (dir, path) = try manifest()
        defer { dir.remove() }
        let result = try await ProcessRunner.run(Self.binary, ["run", path, "--no-progress"] + options, environment: environment)
        #expect(result.exitCode == 2, "\(options): \(result.stderr)")
    }

    @Test(.enabled(if: available))
    func jsonLogsAreOneObjectPerLineWithTimestampLevelAndMessage() async throws {
        let (dir, path) = try manifest()
        defer { dir.remove() }
        let result = try await ProcessRunner.run(Self.binary, ["run", path, "--log-format", "json", "-v", "--max-bandwidth", "1MiB/s",
                                                               "--part-size", "8MiB"], environment: environment)
        #expect(result.exitCode == 3, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["ts"] is String && object?["level"] is String && object?["msg"] is String, "not a log record: \(line)")
            #expect((object?["ts"] as? String)?.hasSuffix("Z") == true)
        }
        #expect(lines.contains { $0.contains(#""level":"error""#) && $0.contains("SKYLARK_INSECURE_URL") })
        #expect(!result.stderr.contains("must-not-leak") && !result.stdout.contains("must-not-leak"))
    }

    @Test(.enabled(if: available))
    func textLogsCarryAnISO8601UTCTimestampAndTheLevel() async throws {
        let (dir, path) = try manifest()
        defer { dir.remove() }
        let result = try await ProcessRunner.run(Self.binary, ["run", path, "--no-progress"], environment: environment)
        #expect(result.exitCode == 3)
        let line = try #require(result.stderr.split(separator: "\n").first { $0.contains("SKYLARK_INSECURE_URL") })
        let pattern = #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z error +/#
        #expect(line.contains(pattern), "\(line)")
    }
}
