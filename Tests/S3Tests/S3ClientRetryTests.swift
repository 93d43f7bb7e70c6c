import Foundation
import HTTPEngine
import IngestCore
import Testing
@testable import S3

/// An `HTTPClient` that answers from a script and records the requests.
final class ScriptedHTTPClient: HTTPClient, Sendable {
    private struct State {
        var answers: [Result<HTTPResponse, TransportError>]
        var requests: [HTTPRequest] = []
    }

    private let state: Locked<State>

    init(_ answers: [Result<HTTPResponse, TransportError>]) { state = Locked(State(answers: answers)) }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }
    var requestCount: Int { state.withLock { $0.requests.count } }

    func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
        let next: Result<HTTPResponse, TransportError> = state.withLock { state in
            state.requests.append(request)
            return state.answers.isEmpty ? .success(HTTPResponse(status: 200)) : state.answers.removeFirst()
        }
        return try next.get()
    }
}

@Suite struct S3ClientRetryTests {
    static func client(_ http: ScriptedHTTPClient) -> S3Client {
        S3Client(http: http, configuration: S3Configuration(region: "eu-west-1", endpoint: "http://127.0.0.1:9"),
                 credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: Secret("sk"))),
                 retry: RetryExecutor(policy: RetryPolicy(maxAttempts: 4, base: .milliseconds(1), cap: .milliseconds(2)),
                                      budget: RetryBudget(), sleep: { _ in }))
    }

    static func xmlError(_ status: Int, _ code: String) -> Result<HTTPResponse, TransportError> {
        .success(HTTPResponse(status: status, body: Array("<Error><Code>\(code)</Code><Message>m</Message></Error>".utf8)))
    }

    @Test func slowDownAndRefusedConnectionsAreRetriedThenSucceedWithFreshSignatures() async throws {
        // Both prove the PUT was not stored (a reset after sending would not: see AmbiguousWriteTests).
        let http = ScriptedHTTPClient([
            Self.xmlError(503, "SlowDown"),
            .failure(TransportError(kind: .couldNotConnect, message: "refused", url: "u")),
            .success(HTTPResponse(status: 200, headers: ["ETag": "\"abc\""])),
        ])
        let etag = try await Self.client(http).putObject(bucket: "b", key: "a b", body: .bytes([1]), contentMD5: [0, 1])
        #expect(etag == "abc")
        #expect(http.requestCount == 3)
        #expect(http.requests.allSatisfy { $0.url == "http://127.0.0.1:9/b/a%20b" })
        #expect(http.requests.allSatisfy { $0.headers["Authorization"]?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKID/") == true })
        #expect(http.requests[0].headers["Content-MD5"] == "AAE=")
    }

    @Test func authErrorsAreNotRetried() async throws {
        let http = ScriptedHTTPClient([Self.xmlError(403, "SignatureDoesNotMatch")])
        await #expect(throws: S3Error.self) {
            _ = try await Self.client(http).headObject(bucket: "b", key: "k")
        }
        #expect(http.requestCount == 1)
    }

    @Test func completeAnsweringErrorInsideA200IsRetried() async throws {
        let http = ScriptedHTTPClient([
            Self.xmlError(200, "InternalError"),
            .success(HTTPResponse(status: 200, body: Array("<CompleteMultipartUploadResult><ETag>\"e-2\"</ETag></CompleteMultipartUploadResult>".utf8))),
        ])
        let etag = try await Self.client(http).completeMultipartUpload(bucket: "b", key: "k", uploadId: "u+/=",
                                                                      parts: [(2, "b"), (1, "a")])
        #expect(etag == "e-2")
        #expect(http.requestCount == 2)
        let body = String(decoding: { if case .bytes(let b) = http.requests[0].body { return b } else { return [] } }(), as: UTF8.self)
        #expect(body.range(of: "<PartNumber>1</PartNumber>")!.lowerBound < body.range(of: "<PartNumber>2</PartNumber>")!.lowerBound)
        #expect(http.requests[0].url.hasSuffix("?uploadId=u%2B%2F%3D"))
    }

    @Test func persistentFailureGivesUpAfterTheAttemptLimit() async throws {
        let http = ScriptedHTTPClient(Array(repeating: Self.xmlError(500, "InternalError"), count: 10))
        do {
            _ = try await Self.client(http).listParts(bucket: "b", key: "k", uploadId: "u")
            Issue.record("expected failure")
        } catch let error as S3Error {
            #expect(error.stableCode.rawValue == "S3_INTERNAL_ERROR")
        }
        #expect(http.requestCount == 4)
    }

    @Test func headReturnsNilOn404() async throws {
        let http = ScriptedHTTPClient([.success(HTTPResponse(status: 404))])
        #expect(try await Self.client(http).headObject(bucket: "b", key: "k") == nil)
    }
}
