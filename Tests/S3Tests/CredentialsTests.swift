import Foundation
import IngestCore
import IngestTestSupport
import Testing
@testable import S3

@Suite struct CredentialsTests {
    @Test func iniParserReadsSectionsCommentsAndNestedValues() {
        let ini = INIFile(parsing: """
        # comment
        [default]
        aws_access_key_id = AKID1
        AWS_Secret_Access_Key=secret/with=equals # trailing comment
        ; another
        [profile dev]
        region = eu-west-1
        s3 =
          max_concurrent_requests = 20
        [empty]
        key =
        """)
        #expect(ini.value("default", "aws_access_key_id") == "AKID1")
        #expect(ini.value("default", "aws_secret_access_key") == "secret/with=equals")
        #expect(ini.value("profile dev", "region") == "eu-west-1")
        #expect(ini.value("profile dev", "s3.max_concurrent_requests") == "20")
        #expect(ini.value("empty", "key") == nil)
        #expect(ini.value("missing", "key") == nil)
    }

    @Test func environmentProviderReadsKeysAndSessionToken() async throws {
        let provider = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s3cr3t", "AWS_SESSION_TOKEN": "tok",
        ])
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "AKID")
        #expect(credentials.secretAccessKey.revealed == "s3cr3t")
        #expect(credentials.sessionToken?.revealed == "tok")
        #expect(!"\(credentials)".contains("s3cr3t"))
        #expect(!"\(credentials)".contains("tok"))
    }

    @Test func sharedFilesResolveTheNamedProfileFromCredentialsThenConfig() async throws {
        let dir = try TempDirectory(prefix: "aws")
        defer { dir.remove() }
        let credentialsPath = try dir.write("credentials", "[default]\naws_access_key_id=D\naws_secret_access_key=DS\n")
        let configPath = try dir.write("config", """
        [profile media]
        aws_access_key_id = M
        aws_secret_access_key = MS
        aws_session_token = MT
        region = eu-west-2
        """)
        var env = ["AWS_SHARED_CREDENTIALS_FILE": credentialsPath, "AWS_CONFIG_FILE": configPath, "HOME": dir.url.path]
        let http = ScriptedHTTPClient([])
        let defaultProfile = try await ProfileCredentialProvider(environment: env, http: http).credentials()
        #expect(defaultProfile.accessKeyId == "D")
        env["AWS_PROFILE"] = "media"
        let provider = ProfileCredentialProvider(environment: env, http: http)
        let media = try await provider.credentials()
        #expect(media.accessKeyId == "M")
        #expect(media.sessionToken?.revealed == "MT")
        #expect(SharedConfig.load(environment: env).region(profile: "media") == "eu-west-2")
        #expect(http.requestCount == 0)
    }

    @Test func chainPrefersTheEnvironmentAndNamesEverythingTriedWhenEmpty() async throws {
        let dir = try TempDirectory(prefix: "aws")
        defer { dir.remove() }
        var env = ["HOME": dir.url.path, "AWS_PROFILE": "nope", "AWS_EC2_METADATA_DISABLED": "true"]
        let http = ScriptedHTTPClient([])
        do {
            _ = try await CredentialChain.standard(environment: env, http: http).credentials()
            Issue.record("expected AWS_NO_CREDENTIALS")
        } catch let error as IngestError {
            #expect(error.code == .awsNoCredentials)
            #expect(error.message.contains("AWS_ACCESS_KEY_ID"))
            #expect(error.message.contains("profile 'nope'"))
            #expect(error.message.contains(".aws/credentials"))
        }
        env["AWS_ACCESS_KEY_ID"] = "E"
        env["AWS_SECRET_ACCESS_KEY"] = "ES"
        #expect(try await CredentialChain.standard(environment: env, http: http).credentials().accessKeyId == "E")
        #expect(http.requestCount == 0)
    }

    @Test func configurationResolvesRegionAndEndpointInOrder() {
        let none = S3Configuration.fromEnvironment([:])
        #expect(none.region == "us-east-1" && none.endpoint == nil && !none.pathStyle)
        let profile = S3Configuration.fromEnvironment(["AWS_DEFAULT_REGION": "eu-west-1"], profileRegion: "ap-south-1")
        #expect(profile.region == "eu-west-1")
        #expect(S3Configuration.fromEnvironment([:], profileRegion: "ap-south-1").region == "ap-south-1")
        let custom = S3Configuration.fromEnvironment([
            "AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "x", "AWS_ENDPOINT_URL": "http://other",
            "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:8333/",
        ])
        #expect(custom.region == "eu-central-1")
        #expect(custom.endpoint == "http://127.0.0.1:8333")
        #expect(custom.pathStyle)
        #expect(custom.location(bucket: "b", key: "a b").url == "http://127.0.0.1:8333/b/a%20b")
        #expect(S3Configuration.fromEnvironment(["AWS_ENDPOINT_URL": "http://e:1"]).endpoint == "http://e:1")
    }
}
