import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing
@testable import S3

@Suite struct ProfileCredentialsTests {
    static func config(_ config: String, credentials: String = "") -> SharedConfig {
        SharedConfig(config: INIFile(parsing: config), credentials: INIFile(parsing: credentials))
    }

    @Test func credentialsFileKeysWinOverTheConfigFileForTheSameProfile() throws {
        let shared = Self.config("[profile dev]\naws_access_key_id = C\naws_secret_access_key = CS\nregion = eu-west-3\n",
                                 credentials: "[dev]\naws_access_key_id = K\naws_secret_access_key = KS\n")
        guard case .staticKeys(let keys) = try shared.source(profile: "dev") else { Issue.record("not static"); return }
        #expect(keys.accessKeyId == "K")
        #expect(shared.region(profile: "dev") == "eu-west-3")
    }

    @Test func roleArnWithSourceProfileChainsToTheSourcesKeys() throws {
        let shared = Self.config("""
        [profile base]
        aws_access_key_id = B
        aws_secret_access_key = BS
        [profile media]
        role_arn = arn:aws:iam::1:role/media
        source_profile = base
        external_id = x1
        role_session_name = nightly
        [profile ec2]
        role_arn = arn:aws:iam::1:role/ec2
        credential_source = Ec2InstanceMetadata
        [profile ecs]
        role_arn = arn:aws:iam::1:role/ecs
        credential_source = EcsContainer
        [profile env]
        role_arn = arn:aws:iam::1:role/env
        credential_source = Environment
        [profile irsa]
        role_arn = arn:aws:iam::1:role/irsa
        web_identity_token_file = /var/run/token
        [profile loop1]
        role_arn = arn:aws:iam::1:role/a
        source_profile = loop2
        [profile loop2]
        role_arn = arn:aws:iam::1:role/b
        source_profile = loop1
        [profile bad]
        role_arn = arn:aws:iam::1:role/bad
        """)
        guard case .assumeRole(let role, .staticKeys(let keys)) = try shared.source(profile: "media") else {
            Issue.record("media: not assume-role over static keys"); return
        }
        #expect(role.roleArn == "arn:aws:iam::1:role/media" && role.externalId == "x1" && role.sessionName == "nightly")
        #expect(keys.accessKeyId == "B")
        #expect(try shared.source(profile: "ec2") == .assumeRole(role: .init(roleArn: "arn:aws:iam::1:role/ec2"), source: .instanceMetadata))
        #expect(try shared.source(profile: "ecs") == .assumeRole(role: .init(roleArn: "arn:aws:iam::1:role/ecs"), source: .container))
        #expect(try shared.source(profile: "env") == .assumeRole(role: .init(roleArn: "arn:aws:iam::1:role/env"), source: .environment))
        #expect(try shared.source(profile: "irsa") == .webIdentity(role: .init(roleArn: "arn:aws:iam::1:role/irsa"),
                                                                  tokenFile: "/var/run/token"))
        #expect(throws: CredentialSourceError.self) { try shared.source(profile: "loop1") }
        #expect(throws: CredentialSourceError.self) { try shared.source(profile: "bad") }
    }

    @Test func missingProfileIsNotConfiguredUnlessAWSProfileNamedIt() {
        let shared = Self.config("[default]\nregion = eu-west-1\n")
        #expect(throws: CredentialSourceError.failed("profile 'nope': no such profile in ~/.aws/config or ~/.aws/credentials")) {
            try shared.source(profile: "nope", explicitlyNamed: true)
        }
        #expect {
            try shared.source(profile: "other", explicitlyNamed: false)
        } throws: { error in
            if case .notConfigured = error as? CredentialSourceError { return true }
            return false
        }
        // A profile with only a region has no credentials: the chain goes on to the container and IMDS.
        #expect {
            try shared.source(profile: "default", explicitlyNamed: false)
        } throws: { error in
            if case .notConfigured = error as? CredentialSourceError { return true }
            return false
        }
    }

    @Test func ssoProfilesReadTheirSession() throws {
        let shared = Self.config("""
        [profile sso]
        sso_session = corp
        sso_account_id = 111122223333
        sso_role_name = Ingest
        [sso-session corp]
        sso_start_url = https://corp.awsapps.com/start
        sso_region = eu-west-1
        """)
        #expect(try shared.source(profile: "sso") == .sso(SSOSettings(
            profile: "sso", sessionName: "corp", startURL: "https://corp.awsapps.com/start", region: "eu-west-1",
            accountId: "111122223333", roleName: "Ingest")))
    }

    @Test func profileEndpointsComeFromTheServicesSectionThenTheGlobalEndpointURL() {
        let shared = Self.config("""
        [profile local]
        region = ap-south-1
        endpoint_url = http://global:1
        services = local-s3
        [services local-s3]
        s3 =
          endpoint_url = http://127.0.0.1:8333
        [profile plain]
        endpoint_url = http://global:2
        """)
        #expect(shared.endpoint(service: "s3", profile: "local") == "http://127.0.0.1:8333")
        #expect(shared.endpoint(service: "sts", profile: "local") == "http://global:1")
        #expect(shared.endpoint(service: "s3", profile: "plain") == "http://global:2")
        #expect(shared.endpoint(service: "s3", profile: "none") == nil)
    }

    @Test func s3ConfigurationTakesTheProfilesRegionAndEndpointButTheEnvironmentWins() throws {
        let dir = try TempDirectory(prefix: "aws")
        defer { dir.remove() }
        let configPath = try dir.write("config", """
        [profile local]
        region = ap-south-1
        services = s
        [services s]
        s3 =
          endpoint_url = http://127.0.0.1:8333
        """)
        var env = ["HOME": dir.url.path, "AWS_CONFIG_FILE": configPath, "AWS_PROFILE": "local"]
        let fromProfile = try S3Configuration.resolve(environment: env)
        #expect(fromProfile.region == "ap-south-1")
        #expect(fromProfile.endpoint == "http://127.0.0.1:8333" && fromProfile.pathStyle)
        env["AWS_REGION"] = "eu-west-1"
        env["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9000"
        let fromEnvironment = try S3Configuration.resolve(environment: env)
        #expect(fromEnvironment.region == "eu-west-1" && fromEnvironment.endpoint == "http://127.0.0.1:9000")
    }

    @Test func aProfileEndpointWithoutSchemeIsRefusedLikeTheVariable() throws {
        let dir = try TempDirectory(prefix: "aws")
        defer { dir.remove() }
        let configPath = try dir.write("config", "[profile local]\nendpoint_url = 127.0.0.1:8333\n")
        let env = ["HOME": dir.url.path, "AWS_CONFIG_FILE": configPath, "AWS_PROFILE": "local"]
        #expect {
            try S3Configuration.resolve(environment: env)
        } throws: { error in
            (error as? IngestError)?.code == .s3EndpointInvalid
                && (error as? IngestError)?.message.contains("profile local") == true
        }
        // The variable wins, and then the profile's value does not matter.
        #expect(try S3Configuration.resolve(environment: env.merging(["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9"]) { $1 })
            .endpoint == "http://127.0.0.1:9")
    }

    @Test func profileDescriptionNamesTheProfileAndHowItGetsCredentials() throws {
        let dir = try TempDirectory(prefix: "aws")
        defer { dir.remove() }
        let configPath = try dir.write("config", "[profile dev]\ncredential_process = /bin/true\n")
        let provider = ProfileCredentialProvider(environment: ["HOME": dir.url.path, "AWS_CONFIG_FILE": configPath,
                                                               "AWS_PROFILE": "dev"], http: RecordedHTTPClient { _ in HTTPResponse(status: 500) })
        #expect(provider.sourceDescription == "profile dev (credential_process)")
    }
}

@Suite struct ProcessCredentialsTests {
    static func script(_ dir: TempDirectory, _ body: String) throws -> String {
        let path = try dir.write("creds.sh", "#!/bin/sh\n" + body + "\n")
        chmod(path, 0o755)
        return path
    }

    @Test func credentialProcessOutputIsReadWithItsExpiry() async throws {
        let dir = try TempDirectory(prefix: "process")
        defer { dir.remove() }
        let script = try Self.script(dir, """
        cat <<'JSON'
        {"Version": 1, "AccessKeyId": "ASIAPROC", "SecretAccessKey": "proc-secret", "SessionToken": "proc-token",
         "Expiration": "2030-01-02T03:04:05Z"}
        JSON
        """)
        let configPath = try dir.write("config", "[profile dev]\ncredential_process = \(script) --flag \"quoted arg\"\n")
        let provider = ProfileCredentialProvider(
            environment: ["HOME": dir.url.path, "AWS_CONFIG_FILE": configPath, "AWS_PROFILE": "dev"],
            http: RecordedHTTPClient { _ in HTTPResponse(status: 500) })
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIAPROC")
        #expect(credentials.sessionToken?.revealed == "proc-token")
        #expect(credentials.expiration == CredentialDocuments.parseDate("2030-01-02T03:04:05Z"))
    }

    @Test func credentialProcessFailuresAreReportedWithoutItsOutput() async throws {
        let dir = try TempDirectory(prefix: "process")
        defer { dir.remove() }
        let failing = try Self.script(dir, "echo '{\"SecretAccessKey\": \"leak\"}'; exit 3")
        await #expect {
            try await ProcessCredentialProvider(command: failing, profile: "dev").credentials()
        } throws: { error in
            let reason = (error as? CredentialSourceError)?.reason ?? ""
            return reason.contains("status 3") && !reason.contains("leak")
        }
        let noVersion = try dir.write("v.sh", "#!/bin/sh\necho '{\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'\n")
        chmod(noVersion, 0o755)
        await #expect(throws: CredentialSourceError.failed("credential_process output has no \"Version\": 1")) {
            try await ProcessCredentialProvider(command: noVersion, profile: "dev").credentials()
        }
    }

    @Test func credentialProcessThatHangsIsStoppedAtTheTimeout() async throws {
        let started = ContinuousClock.now
        await #expect {
            try await ProcessCredentialProvider(command: "exec sleep 600", profile: "dev", timeout: .milliseconds(500)).credentials()
        } throws: { error in
            (error as? CredentialSourceError)?.reason.contains("did not finish") == true
        }
        // Far below the 600 s the command would take (generous: a loaded machine is slow to start processes).
        #expect(ContinuousClock.now - started < .seconds(180))
    }
}

@Suite struct SSOCredentialsTests {
    static let settings = SSOSettings(profile: "sso", sessionName: "corp", startURL: "https://corp.awsapps.com/start",
                                      region: "eu-west-1", accountId: "111122223333", roleName: "Ingest")

    @Test func cacheFileIsNamedBySHA1OfTheSessionName() {
        let expected = Hex.encode(Digest.hash(.sha1, Array("corp".utf8)))
        #expect(SSOCredentialProvider.cachePath(home: "/h", settings: Self.settings) == "/h/.aws/sso/cache/\(expected).json")
    }

    @Test func cachedTokenIsExchangedThroughGetRoleCredentials() async throws {
        let dir = try TempDirectory(prefix: "sso")
        defer { dir.remove() }
        let cache = SSOCredentialProvider.cachePath(home: dir.url.path, settings: Self.settings)
        try FileManager.default.createDirectory(atPath: (cache as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try #"{"startUrl":"https://corp.awsapps.com/start","region":"eu-west-1","accessToken":"sso-access","expiresAt":"2099-01-01T00:00:00Z"}"#
            .write(toFile: cache, atomically: true, encoding: .utf8)
        let http = RecordedHTTPClient { _ in RecordedHTTPClient.text(200, Recorded.ssoRoleCredentials) }
        let provider = SSOCredentialProvider(settings: Self.settings, environment: ["HOME": dir.url.path], http: http)
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIASSO" && credentials.sessionToken?.revealed == "sso-token")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 1_893_553_445))
        let request = try #require(http.requests.first)
        #expect(request.url == "https://portal.sso.eu-west-1.amazonaws.com/federation/credentials?account_id=111122223333&role_name=Ingest")
        #expect(request.headers["x-amz-sso_bearer_token"] == "sso-access")
    }

    @Test func missingOrExpiredCacheTellsToRunAwsSsoLogin() async throws {
        let dir = try TempDirectory(prefix: "sso")
        defer { dir.remove() }
        let http = RecordedHTTPClient { _ in RecordedHTTPClient.text(200, Recorded.ssoRoleCredentials) }
        let provider = SSOCredentialProvider(settings: Self.settings, environment: ["HOME": dir.url.path], http: http)
        await #expect {
            try await provider.credentials()
        } throws: { error in
            (error as? CredentialSourceError)?.reason.contains("aws sso login --profile sso") == true
        }
        let cache = SSOCredentialProvider.cachePath(home: dir.url.path, settings: Self.settings)
        try FileManager.default.createDirectory(atPath: (cache as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try #"{"accessToken":"old","expiresAt":"2001-01-01T00:00:00Z"}"#.write(toFile: cache, atomically: true, encoding: .utf8)
        await #expect {
            try await provider.credentials()
        } throws: { error in
            let reason = (error as? CredentialSourceError)?.reason ?? ""
            return reason.contains("expired") && reason.contains("aws sso login --profile sso")
        }
        #expect(http.requests.isEmpty)
    }
}
