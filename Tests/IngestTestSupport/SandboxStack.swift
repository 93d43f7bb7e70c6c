import Foundation

/// SeaweedFS plus the built `skylark-sandbox` (API, Cognito, watchfolder) on loopback, for
/// end-to-end tests of the built `skylark-ingest`. Started by the test, stopped by pid.
public final class SandboxStack: AsyncStoppable, @unchecked Sendable {
    public let s3: SeaweedFS
    public let sandbox: ServerProcess
    public let directory: TempDirectory
    public let port: Int
    public let bucket: String
    public let username = "e2e-user"
    public let password = "E2e-Passw0rd!-\(UUID().uuidString.prefix(6))"
    public let poolID = "eu-west-1_Sandbox01"
    public let clientID = "sandboxclient"

    /// Starts both servers; `sandboxArguments` adds flags (faults, latency, token lifetime);
    /// the watchfolder is polled every `watchIntervalMs` milliseconds.
    public init(bucket: String = "e2e-watchfolder", sandboxArguments: [String] = [], watchIntervalMs: Int = 200) async throws {
        let s3 = try await SeaweedFS()
        self.s3 = s3
        var started: ServerProcess?
        var made: TempDirectory?
        do {
            try await s3.createBucket(bucket)
            self.bucket = bucket
            let directory = try TempDirectory(prefix: "sandbox")
            made = directory
            self.directory = directory
            port = PortProbe.freePort()
            var arguments = [
                "--port", "\(port)", "--state-dir", directory.path("state"),
                "--user", "\(username):\(password)", "--pool-id", poolID, "--client-id", clientID,
                "--watch-bucket", bucket, "--s3-endpoint", s3.endpoint, "--watch-interval-ms", "\(watchIntervalMs)",
            ]
            arguments += sandboxArguments
            let sandbox = try ServerProcess(executable: ProcessRunner.product("skylark-sandbox"), arguments: arguments,
                                            environment: s3.environment, logPath: directory.path("sandbox.log"))
            started = sandbox
            self.sandbox = sandbox
            try await sandbox.waitForPort(port, timeout: 30)
        } catch {
            await started?.stop()
            await s3.stop()
            made?.remove()
            throw error
        }
    }

    /// The API root the CLI is pointed at.
    public var apiURL: String { "http://127.0.0.1:\(port)/api/" }

    /// The environment for `skylark-ingest` against this stack (Cognito SRP login, S3 credentials).
    public var environment: [String: String] {
        var env = s3.environment
        env["SKYLARK_API_URL"] = apiURL
        env["SKYLARK_USERNAME"] = username
        env["SKYLARK_PASSWORD"] = password
        env["SKYLARK_COGNITO_USER_POOL_ID"] = poolID
        env["SKYLARK_COGNITO_CLIENT_ID"] = clientID
        env["SKYLARK_COGNITO_REGION"] = "eu-west-1"
        env["SKYLARK_COGNITO_ENDPOINT"] = "http://127.0.0.1:\(port)/cognito/"
        env["SKYLARK_WATCHFOLDER_BUCKET"] = bucket
        env.removeValue(forKey: "SKYLARK_TOKEN")
        return env
    }

    /// `GET /_admin/state` decoded as JSON.
    public func adminState() async throws -> [String: Any] {
        let data = try await httpGet("http://127.0.0.1:\(port)/_admin/state")
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// Sends a JSON body to an admin route (`/_admin/faults`, `/_admin/reset`).
    public func adminPost(_ path: String, json: String) async throws {
        _ = try await ProcessRunner.run("/usr/bin/env", ["curl", "-sf", "-X", "POST", "-H", "Content-Type: application/json",
                                                    "--data", json, "http://127.0.0.1:\(port)\(path)"])
    }

    /// Stops both servers by pid (awaiting their exit, off the cooperative pool) and removes their data.
    public func stop() async {
        await sandbox.stop()
        await s3.stop()
        directory.remove()
    }

    /// The sandbox's log so far (one line per request, watchfolder events).
    public var sandboxLog: String {
        (try? String(contentsOfFile: sandbox.logPath, encoding: .utf8)) ?? ""
    }

    private func httpGet(_ url: String) async throws -> Data {
        let result = try await ProcessRunner.run("/usr/bin/env", ["curl", "-sf", url])
        guard result.exitCode == 0 else { throw ServerProcessError.exited(status: result.exitCode, log: result.stderr) }
        return Data(result.stdout.utf8)
    }
}
