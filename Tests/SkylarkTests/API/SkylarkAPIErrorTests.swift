import HTTPEngine
import IngestCore
import Testing
@testable import Skylark

@Suite struct SkylarkAPIErrorTests {
    private func error(_ status: Int, _ body: String, headers: [(String, String)] = []) -> SkylarkAPIError {
        SkylarkAPIError(response: .json(status, body, headers: headers), method: "POST", path: "assets/")
    }

    @Test func formValidationListsEveryFieldsMessages() {
        let e = error(400, """
        {"error": "Invalid data", "skylark_error_code": "FORM_VALIDATION_ERRORS",
         "form_validation_errors": {"slug": ["An asset with this slug already exists."], "title": ["Required.", "Too short."]}}
        """).ingestError
        #expect(e.code == .skylarkFormValidation)
        #expect(e.message == "Skylark rejected POST assets/: slug: An asset with this slug already exists.; "
                    + "title: Required.; Too short.")
        #expect(!e.retryable)
        #expect(e.hint != nil)
    }

    @Test(arguments: [
        (404, "NOT_FOUND", "SKYLARK_NOT_FOUND", false),
        (401, "UNAUTHORIZED", "SKYLARK_UNAUTHORIZED", false),
        (400, "BAD_REQUEST", "SKYLARK_BAD_REQUEST", false),
        (500, "SERVER_ERROR", "SKYLARK_SERVER_ERROR", true),
        (503, "SERVICE_UNAVAILABLE", "SKYLARK_UNAVAILABLE", true),
        (429, "RATE_LIMITED", "SKYLARK_RATE_LIMITED", true),
    ])
    func serverCodesMapToStableCodes(status: Int, skylarkCode: String, code: String, retryable: Bool) {
        let e = error(status, #"{"error": "message from server", "skylark_error_code": "\#(skylarkCode)", "form_validation_errors": null}"#)
        #expect(e.code.rawValue == code)
        #expect(e.isRetryable == retryable)
        #expect(e.ingestError.retryable == retryable)
        #expect(e.ingestError.message.contains("message from server"))
        #expect(e.ingestError.message.contains("POST assets/"))
    }

    @Test(arguments: [(401, "SKYLARK_UNAUTHORIZED"), (403, "SKYLARK_UNAUTHORIZED"), (404, "SKYLARK_NOT_FOUND"),
                      (409, "SKYLARK_BAD_REQUEST"), (429, "SKYLARK_RATE_LIMITED"), (500, "SKYLARK_SERVER_ERROR"),
                      (502, "SKYLARK_UNAVAILABLE"), (503, "SKYLARK_UNAVAILABLE"), (504, "SKYLARK_UNAVAILABLE")])
    func statusAloneMapsWhenTheBodyIsNotSkylarks(status: Int, code: String) {
        let e = SkylarkAPIError(response: HTTPResponse(status: status, body: Array("<html>proxy error</html>".utf8)),
                                method: "GET", path: "assets/")
        #expect(e.code.rawValue == code)
        #expect(e.message == "HTTP \(status)")
    }

    @Test func plainTextBodyIsQuotedShortly() {
        let long = String(repeating: "x", count: 1000)
        let e = SkylarkAPIError(response: HTTPResponse(status: 502, body: Array(long.utf8)), method: "GET", path: "a/")
        #expect(e.message.count < 220)
    }

    @Test func retryAfterIsRead() {
        #expect(error(429, #"{"error": "slow down", "skylark_error_code": "RATE_LIMITED"}"#,
                      headers: [("Retry-After", "3")]).retryAfter == .seconds(3))
    }
}
