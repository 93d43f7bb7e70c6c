import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing
@testable import Skylark

/// The bearer token goes only to the API's own origin; plain http only to loopback (issue 10, point 9).
@Suite struct BearerTokenOriginTests {
    private static let api = "https://skylark.example.com/api/"
    private static let assetJSON = #"{"uid": "asse_1", "self": "/api/assets/asse_1/", "title": "T", "slug": "t"}"#
    private static let documentJSON = #"{"uid": "docu_1", "self": "/api/documents/docu_1/", "url": "/media/d/abc.srt"}"#

    private func client(_ http: FakeHTTPClient, api: String = BearerTokenOriginTests.api,
                        tokens: any TokenProvider = StaticTokenProvider(token: Secret("secret-bearer"))) -> SkylarkClient {
        SkylarkClient(apiURL: api, httpClient: http, tokenProvider: tokens, retry: SleepRecorder().policy())
    }

    private func upload(_ client: SkylarkClient, to url: String) async throws -> Document {
        let dir = try TempDirectory(prefix: "origin")
        defer { dir.remove() }
        let path = try dir.write("abc.srt", "1\r\n00:00:01,000 --> 00:00:02,000\r\nHallo\r\n")
        return try await client.uploadDocumentFile(uploadURL: url, filePath: path, fileName: "abc.srt")
    }

    @Test(arguments: ["assets/asse_1/", "/api/assets/asse_1/", "https://skylark.example.com/api/assets/asse_1/",
                      "HTTPS://Skylark.Example.COM:443/api/assets/asse_1/", "https://skylark.example.com:443/x/"])
    func referencesToTheAPIOriginCarryTheBearerToken(reference: String) async throws {
        let http = FakeHTTPClient(responses: [.json(200, Self.assetJSON)])
        _ = try await client(http).asset(url: reference)
        let request = try #require(http.requests.first)
        #expect(request.headers["Authorization"] == "Bearer secret-bearer")
    }

    @Test func uploadToTheAPIOriginCarriesTheBearerToken() async throws {
        let http = FakeHTTPClient(responses: [.json(200, Self.documentJSON)])
        _ = try await upload(client(http), to: "https://skylark.example.com/api/documents/docu_1/upload/")
        #expect(http.requests.first?.headers["Authorization"] == "Bearer secret-bearer")
    }

    @Test(arguments: ["https://storage.example.net/upload/docu_1?X-Amz-Signature=abc",
                      "https://skylark.example.com:8443/api/documents/docu_1/upload/",
                      "https://skylark.example.com.evil.example/api/documents/docu_1/upload/",
                      "https://skylark.example.com@evil.example/api/documents/docu_1/upload/",
                      "https://evil.example@skylark.example.com/api/documents/docu_1/upload/"])
    func uploadToAnotherOriginIsSentWithoutTheBearerToken(url: String) async throws {
        let http = FakeHTTPClient(responses: [.json(200, Self.documentJSON)])
        let document = try await upload(client(http), to: url)
        #expect(document.uid == "docu_1")
        let request = try #require(http.requests.first)
        #expect(request.url == url)
        #expect(request.headers["Authorization"] == nil)
        #expect(!"\(request.headers)".contains("secret-bearer"))
    }

    @Test func anotherOriginThatAnswers401DoesNotInvalidateTheToken() async throws {
        let tokens = CountingTokenProvider()
        let http = FakeHTTPClient(responses: [.json(401, #"{"error": "no", "skylark_error_code": null}"#)])
        await #expect(throws: SkylarkAPIError.self) {
            _ = try await client(http, tokens: tokens).asset(url: "https://storage.example.net/a/")
        }
        #expect(http.requests.count == 1)
        #expect(await tokens.invalidations == 0)
    }

    @Test(arguments: ["http://evil.example/api/documents/docu_1/upload/?token=hunter2",
                      "http://skylark.example.com/api/documents/docu_1/upload/?token=hunter2"])
    func plainHTTPToAHostThatIsNotLoopbackIsRefused(url: String) async throws {
        let http = FakeHTTPClient(responses: [.json(200, Self.documentJSON)])
        let error = await #expect(throws: IngestError.self) { _ = try await upload(client(http), to: url) }
        #expect(error?.code == .skylarkInsecureURL)
        let withoutQuery = String(url.prefix { $0 != "?" })
        #expect(error?.hint?.contains(withoutQuery) == true)
        #expect(!"\(error.map { "\($0)" } ?? "")".contains("hunter2"))
        #expect(!"\(error.map { "\($0)" } ?? "")".contains("secret-bearer"))
        #expect(http.requests.isEmpty)
    }

    @Test(arguments: ["https://evil.example\\@skylark.example.com/api/assets/asse_1/",
                      "https://skylark.example.com /api/assets/asse_1/", "https://skylark.example.com:99999/api/",
                      "https://[::1/api/"])
    func absoluteURLsWhoseHostCannotBeReadSafelyAreRefused(reference: String) async throws {
        let http = FakeHTTPClient(responses: [.json(200, Self.assetJSON)])
        let error = await #expect(throws: IngestError.self) { _ = try await client(http).asset(url: reference) }
        #expect(error?.code == .skylarkInsecureURL)
        #expect(http.requests.isEmpty)
    }

    @Test(arguments: ["http://127.0.0.1:9999/api/", "http://localhost:9999/api/", "http://[::1]:9999/api/",
                      "http://127.8.9.10/api/"])
    func plainHTTPToLoopbackIsAcceptedWithTheBearerToken(api: String) async throws {
        let http = FakeHTTPClient(responses: [.json(200, Self.assetJSON)])
        let c = client(http, api: api)
        _ = try await c.asset(url: "/api/assets/asse_1/")
        _ = try await c.asset(url: api + "assets/asse_1/")
        #expect(http.requests.count == 2)
        #expect(http.requests.allSatisfy { $0.headers["Authorization"] == "Bearer secret-bearer" })
    }

    @Test func aClientMadeForPlainHTTPToAnotherHostSendsNothing() async throws {
        let http = FakeHTTPClient(responses: [.json(200, Self.assetJSON)])
        let error = await #expect(throws: IngestError.self) {
            _ = try await client(http, api: "http://skylark.example.com/api/").asset(uid: "asse_1")
        }
        #expect(error?.code == .skylarkInsecureURL)
        #expect(http.requests.isEmpty)
    }

    // MARK: configuration

    @Test(arguments: ["http://skylark.example.com/api/", "http://10.0.0.1:8080/api/", "http://127.0.0.1.evil.example/api/",
                      "http://localhost.evil.example/api/", "http://[::2]/api/"])
    func plainHTTPAPIURLToAHostThatIsNotLoopbackIsAConfigurationError(url: String) {
        let error = #expect(throws: IngestError.self) { _ = try SkylarkClient.apiURL(environment: ["SKYLARK_API_URL": url]) }
        #expect(error?.code == .skylarkInsecureURL)
        #expect(error?.hint?.contains("https://") == true)
    }

    @Test(arguments: ["http://127.0.0.1:8080/api/", "http://localhost/api/", "http://LOCALHOST:1/api", "http://[::1]:9/api/",
                      "http://127.255.0.1/api/", "https://skylark.example.com/api/"])
    func plainHTTPAPIURLToLoopbackAndHTTPSAreAccepted(url: String) throws {
        #expect(try SkylarkClient.apiURL(environment: ["SKYLARK_API_URL": url]) == url)
    }

    @Test(arguments: ["https://user:hunter2@skylark.example.com/api/", "https://user@skylark.example.com/api/",
                      "http://user:hunter2@127.0.0.1:1/api/"])
    func apiURLWithUserInfoIsAConfigurationErrorThatDoesNotPrintIt(url: String) {
        let error = #expect(throws: IngestError.self) { _ = try SkylarkClient.apiURL(environment: ["SKYLARK_API_URL": url]) }
        #expect(error?.code == .skylarkNotConfigured)
        #expect(!"\(error.map { "\($0)" } ?? "")".contains("hunter2"))
        #expect(!"\(error.map { "\($0)" } ?? "")".contains("user@") && !"\(error.map { "\($0)" } ?? "")".contains("user:"))
    }

    @Test func clientFromEnvironmentRefusesPlainHTTPToAnotherHost() {
        let error = #expect(throws: IngestError.self) {
            _ = try SkylarkClient(environment: ["SKYLARK_API_URL": "http://skylark.example.com/api/", "SKYLARK_TOKEN": "t"],
                                  httpClient: FakeHTTPClient(responses: []))
        }
        #expect(error?.code == .skylarkInsecureURL)
    }
}
