import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing
@testable import S3

/// An `HTTPClient` that answers each request with a closure and records what was asked.
final class RecordedHTTPClient: HTTPClient, Sendable {
    private let recorded = Locked<[HTTPRequest]>([])
    private let answer: @Sendable (HTTPRequest) throws -> HTTPResponse

    init(_ answer: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) { self.answer = answer }

    var requests: [HTTPRequest] { recorded.withLock { $0 } }

    func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
        recorded.withLock { $0.append(request) }
        return try answer(request)
    }

    static func text(_ status: Int, _ body: String) -> HTTPResponse { HTTPResponse(status: status, body: Array(body.utf8)) }
}

/// Answers recorded from the real services (values replaced).
enum Recorded {
    static let webIdentityResponse = """
    <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
      <AssumeRoleWithWebIdentityResult>
        <SubjectFromWebIdentityToken>system:serviceaccount:media:ingest</SubjectFromWebIdentityToken>
        <Audience>sts.amazonaws.com</Audience>
        <AssumedRoleUser>
          <Arn>arn:aws:sts::123456789012:assumed-role/ingest/skylark</Arn>
          <AssumedRoleId>AROAEXAMPLE:skylark</AssumedRoleId>
        </AssumedRoleUser>
        <Credentials>
          <SessionToken>FwoGZXIvYXdzEXAMPLETOKEN</SessionToken>
          <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>
          <Expiration>2030-01-02T03:04:05Z</Expiration>
          <AccessKeyId>ASIAWEBIDENTITY</AccessKeyId>
        </Credentials>
        <Provider>arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE</Provider>
      </AssumeRoleWithWebIdentityResult>
      <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
    </AssumeRoleWithWebIdentityResponse>
    """
    static let assumeRoleResponse = """
    <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
      <AssumeRoleResult>
        <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/media/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
        <Credentials>
          <AccessKeyId>ASIAASSUMED</AccessKeyId>
          <SecretAccessKey>assumed-secret</SecretAccessKey>
          <SessionToken>assumed-token</SessionToken>
          <Expiration>2030-01-02T03:04:05.123Z</Expiration>
        </Credentials>
      </AssumeRoleResult>
      <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
    </AssumeRoleResponse>
    """
    static let stsError = """
    <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
      <Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Incorrect token audience</Message></Error>
      <RequestId>7b4a2f4e-EXAMPLE</RequestId>
    </ErrorResponse>
    """
    static let metadataCredentials = """
    {
      "Code" : "Success",
      "LastUpdated" : "2024-05-01T10:00:00Z",
      "Type" : "AWS-HMAC",
      "AccessKeyId" : "ASIAMETADATA",
      "SecretAccessKey" : "metadata-secret",
      "Token" : "metadata-token",
      "Expiration" : "2030-01-02T03:04:05Z"
    }
    """
    static let containerCredentials = """
    {"RoleArn":"arn:aws:iam::123456789012:role/task","AccessKeyId":"ASIACONTAINER","SecretAccessKey":"container-secret",\
    "Token":"container-token","Expiration":"2030-01-02T03:04:05Z"}
    """
    static let ssoRoleCredentials = """
    {"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"sso-secret","sessionToken":"sso-token","expiration":1893553445000}}
    """
}

@Suite struct STSTests {
    @Test func webIdentityReadsTheTokenFileOnEveryCallAndPostsAnUnsignedForm() async throws {
        let dir = try TempDirectory(prefix: "irsa")
        defer { dir.remove() }
        let tokenFile = try dir.write("token", "first-token\n")
        let http = RecordedHTTPClient { _ in RecordedHTTPClient.text(200, Recorded.webIdentityResponse) }
        let provider = WebIdentityCredentialProvider(
            environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ingest",
                          "AWS_ROLE_SESSION_NAME": "skylark"], http: http, region: "eu-west-1")
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIAWEBIDENTITY")
        #expect(credentials.secretAccessKey.revealed == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        #expect(credentials.sessionToken?.revealed == "FwoGZXIvYXdzEXAMPLETOKEN")
        #expect(credentials.expiration == CredentialDocuments.parseDate("2030-01-02T03:04:05Z"))
        #expect(provider.sourceDescription == "web identity (role arn:aws:iam::123456789012:role/ingest)")

        try "second-token".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        _ = try await provider.credentials()
        let requests = http.requests
        #expect(requests.count == 2)
        #expect(requests[0].url == "https://sts.eu-west-1.amazonaws.com/")
        #expect(requests[0].method == "POST")
        #expect(requests[0].headers["Authorization"] == nil)
        let forms = requests.map { request -> String in
            guard case .bytes(let body) = request.body else { return "" }
            return String(decoding: body, as: UTF8.self)
        }
        #expect(forms[0].contains("Action=AssumeRoleWithWebIdentity"))
        #expect(forms[0].contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fingest"))
        #expect(forms[0].contains("RoleSessionName=skylark"))
        #expect(forms[0].contains("WebIdentityToken=first-token"))
        #expect(forms[1].contains("WebIdentityToken=second-token"))
    }

    @Test func stsEndpointComesFromTheEnvironmentThenTheRegion() {
        #expect(STSClient.endpoint(environment: ["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1", "AWS_ENDPOINT_URL": "x"],
                                   region: "eu-west-1") == "http://127.0.0.1:1")
        #expect(STSClient.endpoint(environment: ["AWS_ENDPOINT_URL": "http://e"], region: "eu-west-1") == "http://e")
        #expect(STSClient.endpoint(environment: [:], profileEndpoint: "http://p", region: "eu-west-1") == "http://p")
        #expect(STSClient.endpoint(environment: [:], region: "eu-west-1") == "https://sts.eu-west-1.amazonaws.com")
        #expect(STSClient.endpoint(environment: [:], region: nil) == "https://sts.amazonaws.com")
    }

    @Test func stsErrorsNameTheCodeAndNoToken() async throws {
        let dir = try TempDirectory(prefix: "irsa")
        defer { dir.remove() }
        let tokenFile = try dir.write("token", "the-token")
        let http = RecordedHTTPClient { _ in RecordedHTTPClient.text(400, Recorded.stsError) }
        let provider = WebIdentityCredentialProvider(
            environment: ["AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ROLE_ARN": "arn:aws:iam::1:role/x"],
            http: http, region: nil)
        await #expect {
            try await provider.credentials()
        } throws: { error in
            guard case .failed(let reason) = error as? CredentialSourceError else { return false }
            return reason.contains("InvalidIdentityToken") && reason.contains("Incorrect token audience")
                && !reason.contains("the-token")
        }
    }

    @Test func webIdentityWithoutItsVariablesIsNotConfigured() async throws {
        let provider = WebIdentityCredentialProvider(environment: [:], http: RecordedHTTPClient { _ in
            Issue.record("no request expected")
            return HTTPResponse(status: 500)
        }, region: nil)
        await #expect(throws: CredentialSourceError.notConfigured("AWS_WEB_IDENTITY_TOKEN_FILE not set")) {
            try await provider.credentials()
        }
    }

    @Test func assumeRoleIsSignedWithTheSourceCredentialsForSTS() async throws {
        let http = RecordedHTTPClient { _ in RecordedHTTPClient.text(200, Recorded.assumeRoleResponse) }
        let sts = STSClient(http: http, endpoint: "http://127.0.0.1:4566", region: "eu-west-1")
        let provider = AssumeRoleCredentialProvider(
            role: AssumeRoleSettings(roleArn: "arn:aws:iam::1:role/media", sessionName: "s", externalId: "ext"),
            source: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKIDSOURCE", secretAccessKey: Secret("source-secret"))),
            sts: sts)
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIAASSUMED")
        #expect(credentials.sessionToken?.revealed == "assumed-token")
        #expect(credentials.expiration != nil)
        let request = try #require(http.requests.first)
        let authorization = try #require(request.headers["Authorization"])
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDSOURCE/"))
        #expect(authorization.contains("/eu-west-1/sts/aws4_request"))
        #expect(!authorization.contains("source-secret"))
        guard case .bytes(let body) = request.body else { Issue.record("no body"); return }
        let form = String(decoding: body, as: UTF8.self)
        #expect(form.contains("Action=AssumeRole&") && form.contains("ExternalId=ext"))
    }
}

@Suite struct ContainerAndInstanceMetadataTests {
    @Test func containerRelativeURIGoesTo169_254_170_2WithTheTokenFileReadEachTime() async throws {
        let dir = try TempDirectory(prefix: "ecs")
        defer { dir.remove() }
        let tokenFile = try dir.write("token", "token-one")
        let http = RecordedHTTPClient { _ in RecordedHTTPClient.text(200, Recorded.containerCredentials) }
        let env = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
                   "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored"]
        let provider = ContainerCredentialProvider(environment: env, http: http)
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIACONTAINER" && credentials.sessionToken?.revealed == "container-token")
        try "token-two".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        _ = try await provider.credentials()
        #expect(http.requests.map(\.url) == Array(repeating: "http://169.254.170.2/v2/credentials/abc", count: 2))
        #expect(http.requests.map { $0.headers["Authorization"] } == ["token-one", "token-two"])
    }

    @Test func containerFullURIIsAllowedOnlyForLoopbackAndTheAgentAddressesOverHTTP() throws {
        func check(_ url: String) -> Bool {
            (try? ContainerCredentialProvider.endpoint(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": url])) != nil
        }
        #expect(check("http://127.0.0.1:8080/creds"))
        #expect(check("http://localhost/creds"))
        #expect(check("http://[::1]:9/creds"))
        #expect(check("http://169.254.170.23/v1/credentials"))
        #expect(check("http://[fd00:ec2::23]/v1/credentials"))
        #expect(check("http://169.254.170.2/creds"))
        #expect(!check("http://10.0.0.1/creds"))
        #expect(!check("http://example.com/creds"))
        #expect(!check("http://127.0.0.1.example.com/creds"))
        #expect(!check("ftp://127.0.0.1/creds"))
        #expect(throws: CredentialSourceError.notConfigured(
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/AWS_CONTAINER_CREDENTIALS_FULL_URI not set")) {
            try ContainerCredentialProvider.endpoint(environment: [:])
        }
    }

    @Test func containerAuthorizationTokenVariableIsSentWhenNoFileIsSet() async throws {
        let http = RecordedHTTPClient { _ in RecordedHTTPClient.text(200, Recorded.containerCredentials) }
        let provider = ContainerCredentialProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic abc",
        ], http: http)
        _ = try await provider.credentials()
        #expect(http.requests.first?.headers["Authorization"] == "Basic abc")
    }

    @Test func instanceMetadataUsesIMDSv2TokenThenRoleThenCredentials() async throws {
        let http = RecordedHTTPClient { request in
            switch (request.method, request.url) {
            case ("PUT", "http://127.0.0.1:7/latest/api/token"):
                return RecordedHTTPClient.text(200, "imds-session-token")
            case ("GET", "http://127.0.0.1:7/latest/meta-data/iam/security-credentials/"):
                return RecordedHTTPClient.text(200, "ingest-role\n")
            case ("GET", "http://127.0.0.1:7/latest/meta-data/iam/security-credentials/ingest-role"):
                return RecordedHTTPClient.text(200, Recorded.metadataCredentials)
            default:
                return HTTPResponse(status: 404)
            }
        }
        let provider = InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:7/"], http: http)
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyId == "ASIAMETADATA")
        #expect(credentials.secretAccessKey.revealed == "metadata-secret")
        #expect(credentials.sessionToken?.revealed == "metadata-token")
        let requests = http.requests
        #expect(requests.count == 3)
        #expect(requests[0].headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600")
        #expect(requests[1].headers["x-aws-ec2-metadata-token"] == "imds-session-token")
        #expect(requests[2].headers["x-aws-ec2-metadata-token"] == "imds-session-token")
        #expect(requests.allSatisfy { $0.timeout == .seconds(1) })
    }

    @Test func instanceMetadataIsDisabledByTheVariableAndDefaultsTo169_254_169_254() async throws {
        #expect(InstanceMetadataCredentialProvider.endpoint(environment: [:]) == "http://169.254.169.254")
        #expect(InstanceMetadataCredentialProvider.endpoint(environment: ["AWS_EC2_METADATA_DISABLED": "TRUE"]) == nil)
        let provider = InstanceMetadataCredentialProvider(environment: ["AWS_EC2_METADATA_DISABLED": "true"],
                                                          http: RecordedHTTPClient { _ in
                                                              Issue.record("no request expected")
                                                              return HTTPResponse(status: 500)
                                                          })
        await #expect(throws: CredentialSourceError.self) { try await provider.credentials() }
    }

    @Test func instanceMetadataWithoutAnAnswerTriesTwiceThenFails() async throws {
        let http = RecordedHTTPClient { request in
            throw TransportError(kind: .timedOut, message: "timeout", url: request.url)
        }
        let provider = InstanceMetadataCredentialProvider(
            environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:7"], http: http)
        await #expect {
            try await provider.credentials()
        } throws: { error in
            (error as? CredentialSourceError)?.reason.contains("unreachable") == true
        }
        #expect(http.requests.count == 2)
    }

    @Test func metadataDocumentsWithAnErrorCodeOrWithoutKeysAreRefused() {
        #expect(throws: CredentialSourceError.self) {
            try CredentialDocuments.metadataCredentials(Array(#"{"Code":"AssumeRoleUnauthorizedAccess"}"#.utf8))
        }
        #expect(throws: CredentialSourceError.self) { try CredentialDocuments.metadataCredentials(Array("nope".utf8)) }
        #expect(throws: CredentialSourceError.self) {
            try CredentialDocuments.metadataCredentials(Array(#"{"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"soon"}"#.utf8))
        }
    }
}
