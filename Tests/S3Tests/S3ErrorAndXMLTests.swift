import HTTPEngine
import IngestCore
import Testing
@testable import S3

@Suite struct S3ErrorAndXMLTests {
    @Test func errorDocumentIsDecodedIntoAStableCode() {
        let body = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>RID1</RequestId></Error>
        """
        let error = S3Error.from(HTTPResponse(status: 503, body: Array(body.utf8)), operation: "UploadPart b/k")
        #expect(error.code == "SlowDown")
        #expect(error.requestId == "RID1")
        #expect(error.isRetryable)
        #expect(error.ingestError.code.rawValue == "S3_SLOW_DOWN")
        #expect(error.ingestError.retryable)
    }

    @Test(arguments: [
        ("SignatureDoesNotMatch", 403, "S3_SIGNATURE_MISMATCH", false),
        ("AccessDenied", 403, "S3_ACCESS_DENIED", false),
        ("NoSuchUpload", 404, "S3_NO_SUCH_UPLOAD", false),
        ("InternalError", 500, "S3_INTERNAL_ERROR", true),
        ("RequestTimeout", 400, "S3_REQUEST_TIMEOUT", true),
        ("ThrottlingException", 400, "S3_THROTTLING_EXCEPTION", true),
        ("InvalidPart", 400, "S3_INVALID_PART", false),
    ])
    func codesAndRetryClassification(_ code: String, _ status: Int, _ stable: String, _ retryable: Bool) {
        let error = S3Error(code: code, status: status, message: "m")
        #expect(error.stableCode.rawValue == stable)
        #expect(error.isRetryable == retryable)
    }

    @Test func bodilessAnswersGetACodeFromTheirStatus() {
        #expect(S3Error.from(HTTPResponse(status: 503), operation: "").code == "SlowDown")
        #expect(S3Error.from(HTTPResponse(status: 403), operation: "").isAuthFailure)
        #expect(S3Error.from(HTTPResponse(status: 502), operation: "").stableCode.rawValue == "S3_HTTP502")
    }

    @Test func listPartsDocumentIsParsedWithNamespaces() throws {
        let body = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><IsTruncated>true</IsTruncated>
        <NextPartNumberMarker>2</NextPartNumberMarker>
        <Part><PartNumber>1</PartNumber><ETag>&quot;aa&quot;</ETag><Size>5</Size></Part>
        <Part><PartNumber>2</PartNumber><ETag>"bb"</ETag><Size>6</Size></Part></ListPartsResult>
        """
        let xml = try S3XML.parse(Array(body.utf8))
        #expect(xml.name == "ListPartsResult")
        #expect(xml["IsTruncated"] == "true")
        #expect(xml.all("Part").map { MultipartETag.normalized($0["ETag"] ?? "") } == ["aa", "bb"])
        #expect(xml.all("Part").compactMap { Int($0["Size"] ?? "") } == [5, 6])
    }

    @Test func malformedXMLThrows() {
        #expect(throws: S3XMLError.self) { try S3XML.parse(Array("<a><b></a>".utf8)) }
        #expect(throws: S3XMLError.self) { try S3XML.parse([]) }
    }

    @Test func xmlTextIsEscaped() {
        #expect(S3XML.escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&apos;")
    }
}
