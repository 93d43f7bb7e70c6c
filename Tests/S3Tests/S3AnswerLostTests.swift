import Foundation
import HTTPEngine
import IngestCore
import Testing
@testable import S3

/// Whether a failed S3 write may still land (its answer was lost) is the S3 layer's to say, from what it knows:
/// the HTTP status, and which answer refused the write. The codes in the reports stay what they were.
@Suite struct S3AnswerLostTests {
    static let gatewayDocument = Array("<Error><Code>ServiceUnavailable</Code><Message>upstream</Message></Error>".utf8)

    @Test(arguments: [502, 504])
    func aGatewaysAnswerMayHaveLostTheWritesAnswerWithOrWithoutAnErrorDocument(status: Int) {
        let bodiless = S3Error.from(HTTPResponse(status: status), operation: "PutObject b/k").ingestError
        #expect(bodiless.answerMayBeLost)
        #expect(bodiless.code.rawValue == "S3_HTTP\(status)", "the reported code is unchanged")
        let documented = S3Error.from(HTTPResponse(status: status, body: Self.gatewayDocument), operation: "PutObject b/k")
        #expect(documented.ingestError.answerMayBeLost)
        #expect(documented.ingestError.code.rawValue == "S3_SERVICE_UNAVAILABLE")
    }

    @Test(arguments: [500, 503, 400, 412])
    func s3sOwnAnswersAreGivenOnceItIsDoneWithTheWrite(status: Int) {
        #expect(!S3Error.from(HTTPResponse(status: status), operation: "").ingestError.answerMayBeLost)
        #expect(!S3Error.from(HTTPResponse(status: status, body: Self.gatewayDocument), operation: "").ingestError.answerMayBeLost)
    }

    @Test func theCodeStringAloneNoLongerSaysTheAnswerWasLost() {
        // Read back from a journal, the derived code carries no status: its default is the server's answer.
        #expect(!ErrorCode(rawValue: "S3_HTTP502").answerMayBeLost)
        #expect(!ErrorCode(rawValue: "S3_HTTP504").answerMayBeLost)
    }

    @Test func anUploadRefusedBecauseTheKeyIsTakenWasAnsweredAndKeepsItsReportedCode() throws {
        let request = UploadRequest(path: "/dev/null", bucket: "watch", key: "a.mp4", ifNoneMatch: true)
        let refusal = S3Error.from(HTTPResponse(status: 412), operation: "PutObject watch/a.mp4")
        let taken = try #require(UploadOutcomeUnknown.refusedBecauseTaken(refusal, request)).ingestError
        #expect(taken.code == .s3OutcomeUnknown && taken.retryable)
        #expect(!taken.answerMayBeLost, "S3 answered the 412: the object is stored, nothing is left to land")
        let gone = UploadOutcomeUnknown(request: request, reason: "the multipart upload is gone (NoSuchUpload)").ingestError
        #expect(gone.code == .s3OutcomeUnknown && gone.answerMayBeLost)
    }

    @Test func whatTheErrorSaidOfItsAnswerIsNotEncoded() throws {
        let error = IngestError(code: .s3OutcomeUnknown, message: "m", answerMayBeLost: false)
        let json = try JSONEncoder().encode(error)
        #expect(!String(decoding: json, as: UTF8.self).contains("answer"))
        // Decoded, it is the code's default again.
        #expect(try JSONDecoder().decode(IngestError.self, from: json).answerMayBeLost)
    }
}
