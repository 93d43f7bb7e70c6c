import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

/// `skylark-ingest upload` checks `--key`, `--key-prefix` with each derived key, and `--asset-uid`
/// with the manifest's rules before anything is sent: a bad one exits 2 with the rule.
@Suite struct UploadCommandArgumentTests {
    static let binary = ProcessRunner.product("skylark-ingest")
    static var binaryExists: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// Credentials and an endpoint where nothing listens: a command that got past its argument checks
    /// would fail to connect (exit 3), so exit 2 proves it stopped first.
    static let environment: [String: String] = [
        "PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9", "AWS_EC2_METADATA_DISABLED": "true",
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var rule: String
        var says: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["--key", "../other-bucket/x.mp4"], rule: "KEY_INVALID", says: "`..` segment"),
        Case(arguments: ["--key", "a/./b.mp4"], rule: "KEY_INVALID", says: "`.` segment"),
        Case(arguments: ["--key", "evil\u{202E}4pm.mp4"], rule: "KEY_INVALID", says: "U+202E"),
        Case(arguments: ["--key", "processed/x.mp4"], rule: "KEY_RESERVED", says: "`processed/`"),
        Case(arguments: ["--key", "/x.mp4"], rule: "KEY_INVALID", says: "starts with `/`"),
        Case(arguments: ["--key-prefix", "../"], rule: "KEY_INVALID", says: "`..` segment"),
        Case(arguments: ["--key-prefix", "processed/"], rule: "KEY_RESERVED", says: "`processed/`"),
        Case(arguments: ["--key-prefix", "x\u{85}/"], rule: "KEY_INVALID", says: "U+0085"),
        Case(arguments: ["--asset-uid", "asse_x\", \"other\": \"y"], rule: "UID_INVALID", says: "not a Skylark uid"),
        Case(arguments: ["--asset-uid", "ASSE_35BBD8A914C84CD3850158EC2783F42A"], rule: "UID_INVALID", says: "not a Skylark uid"),
    ]

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first"), arguments: cases)
    func badKeyOrUIDExitsTwoWithTheRuleBeforeAnythingIsSent(_ item: Case) async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let file = try dir.write("ep1.mp4", "video")
        let run = try await ProcessRunner.run(Self.binary, ["upload", file, "--bucket", "watch"] + item.arguments,
                                        environment: Self.environment)
        #expect(run.exitCode == 2, "exit \(run.exitCode)\n\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains(item.rule), "\(run.stderr)")
        #expect(run.stderr.contains(item.says), "\(run.stderr)")
        #expect(!run.stderr.unicodeScalars.contains { DiagnosticText.isUnsafe($0) && $0 != "\n" }, "\(run.stderr.debugDescription)")
    }

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first"))
    func aFileWhoseNameMakesABadDerivedKeyExitsTwo() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let file = try dir.write("evil\u{202E}4pm.mp4", "video")
        let run = try await ProcessRunner.run(Self.binary, ["upload", file, "--bucket", "watch", "--key-prefix", "drops/"],
                                        environment: Self.environment)
        #expect(run.exitCode == 2, "exit \(run.exitCode)\n\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("KEY_INVALID") && run.stderr.contains("U+202E"), "\(run.stderr)")
    }

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first"))
    func goodArgumentsGetPastTheChecks() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let file = try dir.write("ep1.mp4", "video")
        let run = try await ProcessRunner.run(Self.binary, ["upload", file, "--bucket", "watch", "--key-prefix", "drops/",
                                                      "--asset-uid", "asse_35bbd8a914c84cd3850158ec2783f42a"],
                                        environment: Self.environment)
        // Nothing listens on the endpoint: the command fails to connect (3), not on its arguments.
        #expect(run.exitCode == 3, "exit \(run.exitCode)\n\(run.stdout)\(run.stderr)")
    }
}
