import Foundation
import IngestTestSupport
import Testing

/// The built `skylark-ingest`, without servers: `--max-bandwidth` timetables and `--on-existing` on `run`,
/// and `upload`'s logging options (the same as `run`'s).
@Suite struct OperatorOptionsTests {
    static let binary = LoggingOptionsTests.binary
    static var available: Bool { LoggingOptionsTests.available }

    /// S3 credentials and an endpoint where nothing listens (port 9 on loopback): `upload` fails to connect.
    static let uploadEnvironment: [String: String] = [
        "PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret-that-must-not-leak",
        "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9", "AWS_EC2_METADATA_DISABLED": "true",
    ]

    @Test(.enabled(if: available), arguments: [
        (["--max-bandwidth", "8:00,10M 19:00,off"], "'8:00,10M': '8:00' is not a time of day HH:MM"),
        (["--max-bandwidth", "08:00,10M 08:00,off"], "two entries for 08:00"),
        (["--max-bandwidth", "Someday-08:00,1M"], "'Someday' is not a day"),
        (["--on-existing", "maybe"], "--on-existing"),
    ])
    func badTimetablesAndOnExistingValuesAreUsageErrorsThatSayWhy(options: [String], says: String) async throws {
        let (dir, path) = try LoggingOptionsTests().manifest()
        defer { dir.remove() }
        let result = try await ProcessRunner.run(Self.binary, ["run", path, "--no-progress"] + options,
                                                 environment: LoggingOptionsTests().environment)
        #expect(result.exitCode == 2, "\(options): \(result.stderr)")
        #expect(result.stderr.contains(says), "\(result.stderr)")
    }

    @Test(.enabled(if: available))
    func aTimetableAndOnExistingAdoptAreAcceptedByRun() async throws {
        let (dir, path) = try LoggingOptionsTests().manifest()
        defer { dir.remove() }
        // Past the argument checks: the insecure API URL stops it before any work (exit 3, not 2).
        let result = try await ProcessRunner.run(Self.binary, [
            "run", path, "--no-progress", "--max-bandwidth", "Mon-08:00,512K 08:00,10M 19:00,off", "--on-existing", "adopt",
        ], environment: LoggingOptionsTests().environment)
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(result.stderr.contains("SKYLARK_INSECURE_URL"))
    }

    @Test(.enabled(if: available), arguments: ["-1", "soon", "3601"])
    func aWriteSettleThatIsNotSecondsStopsTheRunBeforeAnyWorkAndSaysWhy(value: String) async throws {
        let (dir, path) = try LoggingOptionsTests().manifest()
        defer { dir.remove() }
        var environment = LoggingOptionsTests().environment
        environment["SKYLARK_WRITE_SETTLE_SECONDS"] = value
        let result = try await ProcessRunner.run(Self.binary, ["run", path, "--no-progress"], environment: environment)
        #expect(result.exitCode == 3, "\(value): \(result.stderr)")
        #expect(result.stderr.contains("SKYLARK_WRITE_SETTLE_SECONDS must be seconds from 0 to 3600"), "\(result.stderr)")
    }

    @Test(.enabled(if: available))
    func uploadWritesJSONLogRecordsAndLogsItsRetries() async throws {
        let dir = try TempDirectory(prefix: "upload-logs")
        defer { dir.remove() }
        let file = try dir.write("clip.mp4", "not really a video")
        let result = try await ProcessRunner.run(Self.binary, [
            "upload", file, "--bucket", "watch", "--log-format", "json", "--max-bandwidth", "08:00,1M 19:00,off",
        ], environment: Self.uploadEnvironment)
        #expect(result.exitCode == 3, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["ts"] is String && object?["level"] is String && object?["msg"] is String, "not a log record: \(line)")
        }
        #expect(lines.contains { $0.contains(#""level":"error""#) && $0.contains("NET_") }, "\(result.stderr)")
        #expect(lines.contains { $0.contains(#""level":"info""#) && $0.contains("retrying") }, "retries are logged: \(result.stderr)")
        #expect(!result.stderr.contains("must-not-leak"))
    }

    @Test(.enabled(if: available))
    func quietUploadPrintsOnlyWarningsAndErrors() async throws {
        let dir = try TempDirectory(prefix: "upload-quiet")
        defer { dir.remove() }
        let file = try dir.write("clip.mp4", "not really a video")
        let result = try await ProcessRunner.run(Self.binary, ["upload", file, "--bucket", "watch", "-q"],
                                                 environment: Self.uploadEnvironment)
        #expect(result.exitCode == 3, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains(" error ") || $0.contains(" warning ") }, "\(result.stderr)")
    }
}
