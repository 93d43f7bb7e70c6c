import Foundation
import HTTPEngine
import IngestCore
import Testing
@testable import S3

/// Issue 10 point 1: an object-creating write whose outcome is unknown is never sent again by the S3
/// layer; only answers that prove S3 did not act are repeated. Point 10: a skewed clock is corrected once.
@Suite struct AmbiguousWriteTests {
    static let reset = Result<HTTPResponse, TransportError>.failure(TransportError(kind: .connectionReset, message: "reset", url: "u"))
    static let timeout = Result<HTTPResponse, TransportError>.failure(TransportError(kind: .timedOut, message: "timeout", url: "u"))
    static let refused = Result<HTTPResponse, TransportError>.failure(TransportError(kind: .couldNotConnect, message: "refused", url: "u"))
    static let bare503 = Result<HTTPResponse, TransportError>.success(HTTPResponse(status: 503))
    static let ok = Result<HTTPResponse, TransportError>.success(HTTPResponse(status: 200, headers: ["ETag": "\"abc\""]))
    static let completed = Result<HTTPResponse, TransportError>.success(HTTPResponse(status: 200, body: Array(
        "<CompleteMultipartUploadResult><ETag>\"e-2\"</ETag></CompleteMultipartUploadResult>".utf8)))

    func put(_ http: ScriptedHTTPClient) async throws -> String {
        try await S3ClientRetryTests.client(http).putObject(bucket: "b", key: "k", body: .bytes([1]))
    }

    func complete(_ http: ScriptedHTTPClient) async throws -> String {
        try await S3ClientRetryTests.client(http).completeMultipartUpload(bucket: "b", key: "k", uploadId: "u", parts: [(1, "a")])
    }

    @Test(arguments: [
        ("reset after the body was sent", reset),
        ("timeout", timeout),
        ("500 InternalError", S3ClientRetryTests.xmlError(500, "InternalError")),
        ("bare 503 from a load balancer", bare503),
    ])
    func putObjectWithAnUnknownOutcomeIsSentOnceAndTheFailureReturned(_ name: String, _ answer: Result<HTTPResponse, TransportError>) async throws {
        let http = ScriptedHTTPClient([answer, Self.ok])
        await #expect(throws: (any Error).self, "\(name)") { _ = try await put(http) }
        #expect(http.requestCount == 1, "\(name): the PUT was sent \(http.requestCount) times")
    }

    @Test(arguments: [
        ("reset after the body was sent", reset),
        ("500 InternalError", S3ClientRetryTests.xmlError(500, "InternalError")),
    ])
    func completeWithAnUnknownOutcomeIsSentOnce(_ name: String, _ answer: Result<HTTPResponse, TransportError>) async throws {
        let http = ScriptedHTTPClient([answer, Self.completed])
        await #expect(throws: (any Error).self, "\(name)") { _ = try await complete(http) }
        #expect(http.requestCount == 1, "\(name): Complete was sent \(http.requestCount) times")
    }

    @Test(arguments: [
        ("connection refused", refused),
        ("SlowDown document", S3ClientRetryTests.xmlError(503, "SlowDown")),
        ("RequestTimeout document", S3ClientRetryTests.xmlError(400, "RequestTimeout")),
    ])
    func putObjectIsRepeatedWhenTheAnswerProvesNothingWasStored(_ name: String, _ answer: Result<HTTPResponse, TransportError>) async throws {
        let http = ScriptedHTTPClient([answer, Self.ok])
        #expect(try await put(http) == "abc", "\(name)")
        #expect(http.requestCount == 2)
    }

    @Test func partsAndReadsAreStillRepeatedAfterAResetOrA500() async throws {
        let http = ScriptedHTTPClient([Self.reset, S3ClientRetryTests.xmlError(500, "InternalError"), Self.ok])
        let etag = try await S3ClientRetryTests.client(http).uploadPart(bucket: "b", key: "k", uploadId: "u", partNumber: 1,
                                                                       body: .bytes([1]), contentMD5: nil)
        #expect(etag == "abc")
        #expect(http.requestCount == 3)
        let reads = ScriptedHTTPClient([Self.timeout, .success(HTTPResponse(status: 404))])
        #expect(try await S3ClientRetryTests.client(reads).headObject(bucket: "b", key: "k") == nil)
        #expect(reads.requestCount == 2)
    }

    @Test func ifNoneMatchIsSentAndARefusalComesBackAsPreconditionFailed() async throws {
        let http = ScriptedHTTPClient([S3ClientRetryTests.xmlError(412, "PreconditionFailed")])
        do {
            _ = try await S3ClientRetryTests.client(http).putObject(bucket: "b", key: "k", body: .bytes([1]), ifNoneMatch: true)
            Issue.record("expected a refusal")
        } catch let error as S3Error {
            #expect(error.status == 412)
        }
        #expect(http.requests.first?.headers["If-None-Match"] == "*")
        #expect(http.requestCount == 1)
    }

    @Test func aStoreWithoutConditionalWritesGetsThePutAgainWithoutTheCondition() async throws {
        let http = ScriptedHTTPClient([S3ClientRetryTests.xmlError(501, "NotImplemented"), Self.ok])
        #expect(try await S3ClientRetryTests.client(http).putObject(bucket: "b", key: "k", body: .bytes([1]), ifNoneMatch: true) == "abc")
        #expect(http.requests.map { $0.headers["If-None-Match"] } == ["*", nil])
    }

    @Test func aSkewedClockIsCorrectedFromTheServersTimeAndTheRequestSignedAgainOnce() async throws {
        // Our clock is 20 minutes slow; S3 refuses with RequestTimeTooSkewed and tells its time.
        let skewed = Date(timeIntervalSince1970: 1_800_000_000 - 1200)  // server: 2027-01-15T08:00:00Z
        let refusal = Result<HTTPResponse, TransportError>.success(HTTPResponse(status: 403, headers: ["Date": "Fri, 15 Jan 2027 08:00:00 GMT"], body: Array(
            "<Error><Code>RequestTimeTooSkewed</Code><Message>skewed</Message><ServerTime>2027-01-15T08:00:00Z</ServerTime></Error>".utf8)))
        let http = ScriptedHTTPClient([refusal, Self.ok, Self.ok, refusal, refusal])
        let client = S3Client(http: http, configuration: S3Configuration(region: "eu-west-1", endpoint: "http://127.0.0.1:9"),
                              credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: Secret("sk"))),
                              retry: RetryExecutor(policy: RetryPolicy(maxAttempts: 4), budget: RetryBudget(), sleep: { _ in }),
                              clock: { skewed })
        #expect(try await client.putObject(bucket: "b", key: "k", body: .bytes([1])) == "abc")
        #expect(http.requestCount == 2)
        #expect(http.requests[0].headers["x-amz-date"] == "20270115T074000Z")
        #expect(http.requests[1].headers["x-amz-date"] == "20270115T080000Z", "the second attempt is signed with the server's time")
        // Later requests keep the correction.
        _ = try await client.headObject(bucket: "b", key: "k")
        #expect(http.requests[2].headers["x-amz-date"] == "20270115T080000Z")
        // A clock that stays refused is not re-signed forever: once per request.
        await #expect(throws: S3Error.self) { _ = try await client.headObject(bucket: "b", key: "k") }
        #expect(http.requestCount == 5)
    }
}
