import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing
@testable import Skylark

@Suite struct SkylarkClientTests {
    private let api = "http://127.0.0.1:9999/api/"

    private func client(_ http: FakeHTTPClient, tokens: any TokenProvider = StaticTokenProvider(token: Secret("tok")),
                        sleeps: SleepRecorder = SleepRecorder()) -> SkylarkClient {
        SkylarkClient(apiURL: api, httpClient: http, tokenProvider: tokens, retry: sleeps.policy())
    }

    private static let assetJSON = #"{"uid": "asse_1", "self": "/api/assets/asse_1/", "title": "T", "slug": "t"}"#

    @Test func everyCallCarriesTheBearerTokenAndAcceptsJSON() async throws {
        let http = FakeHTTPClient(responses: [.json(201, SkylarkClientTests.assetJSON)])
        let asset = try await client(http).createAsset(CreateAssetRequest(title: "T", slug: "t"))
        #expect(asset.uid == "asse_1")
        let request = try #require(http.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == api + "assets/")
        #expect(request.headers["Authorization"] == "Bearer tok")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["Accept"] == "application/json")
        #expect(request.jsonObject["title"] as? String == "T")
    }

    @Test func queryValuesArePercentEncoded() async throws {
        let http = FakeHTTPClient(responses: [.json(200, #"{"objects": [], "meta": {"start": 0, "limit": 100, "total": 0}}"#)])
        let c = client(http)
        _ = try await c.documentTypes(named: "Text track")
        _ = try await c.documents(contentURL: "/api/text-tracks/text_1/")
        _ = try await c.assets(slug: "a&b=c")
        let urls = http.requests.map(\.url)
        #expect(urls[0] == api + "document-types/?name=Text%20track&start=0&limit=100")
        #expect(urls[1] == api + "documents/?content_url=%2Fapi%2Ftext-tracks%2Ftext_1%2F&start=0&limit=100")
        #expect(urls[2] == api + "assets/?slug=a%26b%3Dc&start=0&limit=100")
    }

    @Test func selfPathsResolveAgainstTheOriginAndAbsoluteURLsStay() {
        let c = client(FakeHTTPClient(responses: []))
        #expect(c.url(for: "/api/text-tracks/text_1/") == "http://127.0.0.1:9999/api/text-tracks/text_1/")
        #expect(c.url(for: "assets/") == api + "assets/")
        #expect(c.url(for: "http://other:1/api/documents/d/upload/") == "http://other:1/api/documents/d/upload/")
        let noSlash = SkylarkClient(apiURL: "http://h:1/api", httpClient: FakeHTTPClient(responses: []),
                                    tokenProvider: StaticTokenProvider(token: Secret("t")))
        #expect(noSlash.url(for: "assets/") == "http://h:1/api/assets/")
    }

    @Test func lookupsByUIDAndDataSourceAreNilOn404() async throws {
        let notFound = HTTPResponse.json(404, #"{"error": "Not found", "skylark_error_code": "NOT_FOUND", "form_validation_errors": null}"#)
        let http = FakeHTTPClient(responses: [notFound])
        let c = client(http)
        #expect(try await c.asset(uid: "asse_x") == nil)
        #expect(try await c.asset(dataSourceID: "ABC 123") == nil)
        #expect(try await c.textTrack(uid: "text_x") == nil)
        #expect(try await c.document(uid: "docu_x") == nil)
        #expect(http.requests.map(\.url) == [api + "assets/asse_x/", api + "assets/versions/data-source/ABC%20123/",
                                             api + "text-tracks/text_x/", api + "documents/docu_x/"])
    }

    @Test func allPagesFollowsStartUntilTheTotal() async throws {
        let total = 250
        let http = FakeHTTPClient { request, _ in
            let query = URLComponents(string: request.url)?.queryItems ?? []
            let start = Int(query.first { $0.name == "start" }?.value ?? "0") ?? 0
            let limit = Int(query.first { $0.name == "limit" }?.value ?? "20") ?? 20
            let objects = (start..<min(start + limit, total)).map {
                #"{"uid": "asty_\#($0)", "self": "/api/asset-types/asty_\#($0)/", "name": "T\#($0)"}"#
            }
            return .json(200, #"{"objects": [\#(objects.joined(separator: ","))], "meta": {"start": \#(start), "limit": \#(limit), "total": \#(total)}}"#)
        }
        let types = try await client(http).assetTypes(named: "T")
        #expect(types.count == total)
        #expect(Set(types.map(\.uid)).count == total)
        #expect(http.requests.count == 3)
    }

    @Test func getIsRetriedOn503HonouringRetryAfter() async throws {
        let sleeps = SleepRecorder()
        let http = FakeHTTPClient(responses: [
            .json(503, #"{"error": "busy", "skylark_error_code": "SERVICE_UNAVAILABLE"}"#, headers: [("Retry-After", "2")]),
            .json(500, #"{"error": "oops", "skylark_error_code": "SERVER_ERROR"}"#),
            .json(200, SkylarkClientTests.assetJSON),
        ])
        let asset = try await client(http, sleeps: sleeps).asset(uid: "asse_1")
        #expect(asset?.uid == "asse_1")
        #expect(http.requests.count == 3)
        #expect(sleeps.waits.count == 2)
        #expect(sleeps.waits[0] >= .seconds(2))
    }

    @Test func getGivesUpAfterMaxAttemptsWithARetryableCode() async throws {
        let http = FakeHTTPClient(responses: [.json(500, #"{"error": "oops", "skylark_error_code": "SERVER_ERROR"}"#)])
        let error = await #expect(throws: SkylarkAPIError.self) { _ = try await client(http).asset(uid: "a") }
        #expect(error?.code == .skylarkServerError)
        #expect(error?.ingestError.retryable == true)
        #expect(http.requests.count == 4)
    }

    @Test func getIsRetriedAfterAConnectionReset() async throws {
        let http = FakeHTTPClient { request, index in
            if index == 0 { throw TransportError(kind: .connectionReset, message: "reset", url: request.url) }
            return .json(200, SkylarkClientTests.assetJSON)
        }
        #expect(try await client(http).asset(uid: "asse_1")?.uid == "asse_1")
        #expect(http.requests.count == 2)
    }

    @Test func postIsNotRetriedOnServerErrorOrReset() async throws {
        let http500 = FakeHTTPClient(responses: [.json(500, #"{"error": "oops", "skylark_error_code": "SERVER_ERROR"}"#)])
        await #expect(throws: SkylarkAPIError.self) {
            _ = try await client(http500).createAsset(CreateAssetRequest(title: "T"))
        }
        #expect(http500.requests.count == 1)
        let reset = FakeHTTPClient { request, _ in
            throw TransportError(kind: .connectionReset, message: "reset", url: request.url)
        }
        await #expect(throws: TransportError.self) {
            _ = try await client(reset).createTextTrack(languageCode: "en", assetURL: "/api/assets/a/")
        }
        #expect(reset.requests.count == 1)
    }

    /// Answers after which a POST's outcome is unknown: a gateway may answer 503, 429 or 500 after
    /// the backend stored the write, and a timeout or reset says nothing about it.
    enum AmbiguousAnswer: String, CaseIterable, Sendable {
        case unavailable503, rateLimited429, serverError500, badGateway502, gatewayTimeout504
        case timedOut, connectionReset, receiveFailed

        func answer(_ request: HTTPRequest) throws -> HTTPResponse {
            switch self {
            case .unavailable503:
                return .json(503, #"{"error": "busy", "skylark_error_code": "SERVICE_UNAVAILABLE"}"#,
                             headers: [("Retry-After", "1")])
            case .rateLimited429:
                return .json(429, #"{"error": "slow", "skylark_error_code": "RATE_LIMITED"}"#, headers: [("Retry-After", "1")])
            case .serverError500: return .json(500, #"{"error": "oops", "skylark_error_code": "SERVER_ERROR"}"#)
            case .badGateway502: return HTTPResponse(status: 502, body: Array("<html>bad gateway</html>".utf8))
            case .gatewayTimeout504: return HTTPResponse(status: 504, body: [])
            case .timedOut: throw TransportError(kind: .timedOut, message: "timed out", url: request.url)
            case .connectionReset: throw TransportError(kind: .connectionReset, message: "reset", url: request.url)
            case .receiveFailed: throw TransportError(kind: .receiveFailed, message: "recv", url: request.url)
            }
        }
    }

    @Test(arguments: AmbiguousAnswer.allCases)
    func postIsNeverSentAgainAfterAnAnswerThatLeavesItsOutcomeUnknown(answer: AmbiguousAnswer) async throws {
        let calls: [(String, @Sendable (SkylarkClient) async throws -> Void)] = [
            ("create asset", { _ = try await $0.createAsset(CreateAssetRequest(title: "T", slug: "t")) }),
            ("create text track", { _ = try await $0.createTextTrack(languageCode: "en", assetURL: "/api/assets/a/") }),
            ("create document", {
                _ = try await $0.createDocument(documentTypeURL: "/api/document-types/d/", contentURL: "/api/text-tracks/t/",
                                                fileName: "a.srt", language: "en", title: "a")
            }),
        ]
        for (name, call) in calls {
            let http = FakeHTTPClient { request, _ in try answer.answer(request) }
            let sleeps = SleepRecorder()
            do {
                try await call(client(http, sleeps: sleeps))
                Issue.record("\(name) succeeded after \(answer)")
            } catch {
                // The stage reconciles, then writes again: the error must say "retryable".
                let ingest = (error as? any IngestErrorConvertible)?.ingestError
                #expect(ingest?.retryable == true, "\(name) after \(answer): \(error)")
            }
            #expect(http.requests.count == 1, "\(name) was sent \(http.requests.count) times after \(answer)")
            #expect(sleeps.waits.isEmpty)
        }
    }

    @Test(arguments: [AmbiguousAnswer.unavailable503, .rateLimited429, .timedOut])
    func uploadIsNeverSentAgainAfterAnAnswerThatLeavesItsOutcomeUnknown(answer: AmbiguousAnswer) async throws {
        let dir = try TempDirectory(prefix: "skylark-upload")
        defer { dir.remove() }
        let file = try dir.write("a.srt", "1\n00:00:01,000 --> 00:00:02,000\nhi\n")
        let http = FakeHTTPClient { request, _ in try answer.answer(request) }
        await #expect(throws: (any Error).self) {
            _ = try await client(http).uploadDocumentFile(uploadURL: "http://127.0.0.1:9999/api/documents/d/upload/",
                                                          filePath: file, fileName: "a.srt")
        }
        #expect(http.requests.count == 1)
    }

    @Test func postIsSentAgainOnlyWhenNoConnectionWasMade() async throws {
        let refused = FakeHTTPClient { request, index in
            if index == 0 { throw TransportError(kind: .couldNotConnect, message: "refused", url: request.url) }
            return .json(201, SkylarkClientTests.assetJSON)
        }
        #expect(try await client(refused).createAsset(CreateAssetRequest(title: "T")).uid == "asse_1")
        #expect(refused.requests.count == 2)
    }

    @Test func getIsStillRetriedOn429HonouringRetryAfter() async throws {
        let sleeps = SleepRecorder()
        let http = FakeHTTPClient(responses: [
            .json(429, #"{"error": "slow", "skylark_error_code": "RATE_LIMITED"}"#, headers: [("Retry-After", "3")]),
            .json(200, SkylarkClientTests.assetJSON),
        ])
        #expect(try await client(http, sleeps: sleeps).asset(uid: "asse_1")?.uid == "asse_1")
        #expect(http.requests.count == 2)
        #expect(sleeps.waits.first.map { $0 >= .seconds(3) } == true)
    }

    @Test func unauthorizedInvalidatesRefreshesAndRetriesOnce() async throws {
        let tokens = CountingTokenProvider()
        let http = FakeHTTPClient { request, _ in
            request.headers["Authorization"] == "Bearer token-2"
                ? .json(200, SkylarkClientTests.assetJSON)
                : .json(401, #"{"error": "expired", "skylark_error_code": "UNAUTHORIZED", "form_validation_errors": null}"#)
        }
        #expect(try await client(http, tokens: tokens).asset(uid: "asse_1")?.uid == "asse_1")
        #expect(http.requests.map { $0.headers["Authorization"] } == ["Bearer token-1", "Bearer token-2"])
        #expect(await tokens.invalidations == 1)
    }

    @Test func unauthorizedTwiceIsFinal() async throws {
        let tokens = CountingTokenProvider()
        let http = FakeHTTPClient(responses: [.json(401, #"{"error": "no", "skylark_error_code": "UNAUTHORIZED"}"#)])
        let error = await #expect(throws: SkylarkAPIError.self) {
            _ = try await client(http, tokens: tokens).createAsset(CreateAssetRequest(title: "T"))
        }
        #expect(error?.code == .skylarkUnauthorized)
        #expect(http.requests.count == 2)
    }

    @Test func staticTokenUnauthorizedIsNotRetried() async throws {
        let http = FakeHTTPClient(responses: [.json(401, #"{"error": "no", "skylark_error_code": "UNAUTHORIZED"}"#)])
        await #expect(throws: SkylarkAPIError.self) { _ = try await client(http).asset(uid: "a") }
        #expect(http.requests.count == 1)
    }

    @Test func formValidationFromCreateNamesTheField() async throws {
        let http = FakeHTTPClient(responses: [.json(400, """
        {"error": "Invalid", "skylark_error_code": "FORM_VALIDATION_ERRORS",
         "form_validation_errors": {"slug": ["An asset with this slug already exists."]}}
        """)])
        let error = await #expect(throws: SkylarkAPIError.self) {
            _ = try await client(http).createAsset(CreateAssetRequest(title: "T", slug: "t"))
        }
        #expect(error?.ingestError.code == .skylarkFormValidation)
        #expect(error?.ingestError.message.contains("slug: An asset with this slug already exists.") == true)
        #expect(http.requests.count == 1)
    }

    @Test func undecodableSuccessBodyIsABadResponse() async throws {
        let http = FakeHTTPClient(responses: [.json(200, "<html>login page</html>")])
        let error = await #expect(throws: SkylarkResponseError.self) { _ = try await client(http).asset(uid: "a") }
        #expect(error?.ingestError.code == .skylarkBadResponse)
    }

    @Test func uploadSendsOneMultipartFileField() async throws {
        let dir = try TempDirectory(prefix: "upload")
        defer { dir.remove() }
        let subtitle = "1\r\n00:00:01,000 --> 00:00:02,000\r\nHallo \"Welt\"\r\n"
        let path = try dir.write("abc.en-gb.srt", subtitle)
        let http = FakeHTTPClient(responses: [.json(200, #"{"uid": "docu_1", "self": "/api/documents/docu_1/", "url": "/media/documents/docu_1/abc.srt"}"#)])
        let document = try await client(http).uploadDocumentFile(uploadURL: "http://127.0.0.1:9999/api/documents/docu_1/upload/",
                                                                 filePath: path, fileName: "abc.srt")
        #expect(document.isUploaded)
        let request = try #require(http.requests.first)
        #expect(request.url == "http://127.0.0.1:9999/api/documents/docu_1/upload/")
        #expect(request.headers["Authorization"] == "Bearer tok")
        let contentType = try #require(request.headers["Content-Type"])
        #expect(contentType.hasPrefix("multipart/form-data; boundary="))
        let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
        let body = String(decoding: request.bodyBytes, as: UTF8.self)
        #expect(body == "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"abc.srt\"\r\n"
                    + "Content-Type: application/x-subrip\r\n\r\n\(subtitle)\r\n--\(boundary)--\r\n")
        #expect(!subtitle.contains(boundary))
    }

    @Test func uploadRefusesMissingAndOversizedFiles() async throws {
        let dir = try TempDirectory(prefix: "upload")
        defer { dir.remove() }
        let path = try dir.write("big.vtt", String(repeating: "x", count: 2048))
        let tooBig = await #expect(throws: IngestError.self) { try await SkylarkClient.readSmallFile(path, limit: 1024) }
        #expect(tooBig?.code == .skylarkFileTooLarge)
        #expect(try await SkylarkClient.readSmallFile(path, limit: 4096).count == 2048)
        let http = FakeHTTPClient(responses: [])
        let missing = await #expect(throws: IngestError.self) {
            _ = try await client(http).uploadDocumentFile(uploadURL: "http://x/", filePath: dir.path("nope.srt"),
                                                          fileName: "nope.srt")
        }
        #expect(missing?.code == .fileRead)
        #expect(http.requests.isEmpty)
    }

    @Test func fileNamesWithQuotesCannotBreakTheMultipartHeader() {
        let form = MultipartForm(fieldName: "file", fileName: "a\"b\r\n.srt", contentType: "text/plain", contents: [],
                                 boundary: "B")
        let text = String(decoding: form.body, as: UTF8.self)
        #expect(text.contains("filename=\"a%22b%0D%0A.srt\""))
    }
}
