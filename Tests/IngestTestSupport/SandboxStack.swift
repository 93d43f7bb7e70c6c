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
    /// the watchfolder is polled every `watchIntervalMs` milliseconds. With `rotatingIdentities` > 0, SeaweedFS
    /// gets that many extra identities and the sandbox's AWS credential endpoints (IMDS, container, STS, SSO)
    /// hand them out in turn, each living `credentialLifetime` seconds.
    public init(bucket: String = "e2e-watchfolder", sandboxArguments: [String] = [], watchIntervalMs: Int = 200,
                rotatingIdentities: Int = 0, credentialLifetime: Double = 3600) async throws {
        let s3 = try await SeaweedFS(rotatingIdentities: rotatingIdentities)
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
            for identity in s3.rotatingIdentities {
                arguments += ["--credential-identity", "\(identity.accessKey):\(identity.secretKey)"]
            }
            if !s3.rotatingIdentities.isEmpty { arguments += ["--credential-lifetime-s", "\(credentialLifetime)"] }
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

    /// The token the sandbox's container endpoint requires in `Authorization`.
    public let containerToken = "sandbox-container-token"

    /// An environment with no AWS credential source at all: PATH, an empty HOME, the S3 endpoint and region,
    /// the bucket and the Skylark settings; instance metadata disabled. Tests add exactly one source to it.
    public func environmentWithoutCredentials(home: String) -> [String: String] {
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home,
                   "AWS_EC2_METADATA_DISABLED": "true"]
        for (name, value) in environment where name.hasPrefix("SKYLARK_") || name == "AWS_REGION" || name == "AWS_ENDPOINT_URL_S3" {
            env[name] = value
        }
        return env
    }

    /// The sandbox's credential endpoints' counters and issue log (`credentials` of `/_admin/state`).
    public func credentialState() async throws -> [String: Any] {
        (try await adminState()["credentials"] as? [String: Any]) ?? [:]
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
