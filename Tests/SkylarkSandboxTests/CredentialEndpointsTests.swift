import Foundation
import HTTPEngine
import IngestCore
import Testing
import S3
@testable import SkylarkSandbox

/// The sandbox's AWS credential endpoints, asked by the tool's own providers over libcurl.
@Suite struct CredentialEndpointsTests {
    static func configure(_ configuration: inout SandboxConfiguration) {
        configuration.credentials = CredentialIssuerConfiguration(
            identities: [("AKIDONE", Secret("one-secret")), ("AKIDTWO", Secret("two-secret"))], lifetime: .seconds(3600))
    }

    /// Whether `credentials` is one of the configured identities, with its own secret.
    static func matches(_ credentials: AWSCredentials) -> Bool {
        ["AKIDONE": "one-secret", "AKIDTWO": "two-secret"][credentials.accessKeyId] == credentials.secretAccessKey.revealed
    }

    @Test func instanceMetadataHandsOutIdentitiesInTurnWithTheConfiguredLifetime() async throws {
        try await withSandbox(Self.configure) { _, http in
            let provider = InstanceMetadataCredentialProvider(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": http.base],
                                                              http: CurlHTTPClient(), timeout: .seconds(20))
            let asked = Date()
            let first = try await provider.credentials()
            let second = try await provider.credentials()
            #expect(Self.matches(first) && Self.matches(second) && first.sessionToken == nil)
            // Issued between `asked` and now, living 3600 s (the document has whole seconds).
            let expiration = try #require(first.expiration)
            #expect(expiration >= asked.addingTimeInterval(3599) && expiration <= Date().addingTimeInterval(3600.5))

            // IMDSv1 (no session token) is refused.
            let v1 = try await http.send("GET", "/latest/meta-data/iam/security-credentials/")
            #expect(v1.status == 401)
            let state = try await http.send("GET", "/_admin/state")
            let credentials = try #require(state.json?["credentials"] as? [String: Any])
            let counts = try #require(credentials["counts"] as? [String: Any])
            #expect(((counts["imds_token"] as? NSNumber)?.intValue ?? 0) >= 2)
            #expect(((counts["imds_credentials"] as? NSNumber)?.intValue ?? 0) >= 2)
            // Handed out in turn (a retried request on a loaded machine may add one more).
            let keys = ((credentials["issued"] as? [[String: Any]]) ?? []).compactMap { $0["access_key"] as? String }
            #expect(keys.count >= 2 && Array(keys.prefix(2)) == ["AKIDONE", "AKIDTWO"], "\(keys)")
            #expect(!String(decoding: state.data, as: UTF8.self).contains("one-secret"))
        }
    }

    @Test func containerEndpointChecksTheAuthorizationHeader() async throws {
        try await withSandbox(Self.configure) { _, http in
            let url = "\(http.base)/_creds/container/v1/credentials"
            let good = ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url,
                                                                 "AWS_CONTAINER_AUTHORIZATION_TOKEN": "sandbox-container-token"],
                                                   http: CurlHTTPClient())
            let answered = try await good.credentials()
            #expect(Self.matches(answered))
            let bad = ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url,
                                                                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "nope"], http: CurlHTTPClient())
            await #expect(throws: CredentialSourceError.failed("container endpoint answered HTTP 401")) { try await bad.credentials() }
        }
    }

    @Test func stsAnswersWebIdentityAndSignedAssumeRoleButRefusesUnsignedAssumeRole() async throws {
        try await withSandbox(Self.configure) { _, http in
            let sts = STSClient(http: CurlHTTPClient(), endpoint: "\(http.base)/_sts", region: "us-east-1")
            let web = try await sts.assumeRoleWithWebIdentity(roleArn: "arn:aws:iam::1:role/x", sessionName: "s", token: Secret("jwt"))
            #expect(Self.matches(web) && web.expiration != nil && web.sessionToken == nil)
            await #expect(throws: CredentialSourceError.self) {
                try await sts.assumeRoleWithWebIdentity(roleArn: "arn:aws:iam::1:role/x", sessionName: "s", token: Secret("invalid"))
            }
            let assumed = try await sts.assumeRole(AssumeRoleSettings(roleArn: "arn:aws:iam::1:role/y"), sessionName: "s",
                                                   source: AWSCredentials(accessKeyId: "AKIDBASE", secretAccessKey: Secret("b")))
            #expect(Self.matches(assumed))
            let unsigned = try await http.send("POST", "/_sts/", body: Data("Action=AssumeRole&RoleArn=r&RoleSessionName=s".utf8),
                                               headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(unsigned.status == 403)
        }
    }

    @Test func credentialRoutesAnswer404WithoutIdentities() async throws {
        try await withSandbox { _, http in
            let reply = try await http.send("PUT", "/latest/api/token", headers: ["x-aws-ec2-metadata-token-ttl-seconds": "60"])
            #expect(reply.status == 404)
        }
    }
}
