import HTTPEngine
import IngestCore

/// An error answer from S3: its code string, HTTP status, request id and message.
public struct S3Error: Error, Sendable, Hashable, CustomStringConvertible, IngestErrorConvertible {
    /// S3's error code (`SlowDown`, `NoSuchUpload`, …), or a synthesised one for bodiless answers (`Http503`).
    public var code: String
    /// The HTTP status.
    public var status: Int
    /// `x-amz-request-id` or the XML `RequestId`.
    public var requestId: String?
    /// S3's message.
    public var message: String
    /// What was being done (`PutObject bucket/key`).
    public var operation: String
    /// Whether the server sent an `<Error>` document (false: the code was made up from the status alone,
    /// as a proxy or load balancer answers).
    public var documented: Bool = false

    public init(code: String, status: Int, requestId: String? = nil, message: String, operation: String = "") {
        self.code = code
        self.status = status
        self.requestId = requestId
        self.message = message
        self.operation = operation
    }

    /// Whether retrying may help: 5xx, 429, SlowDown, RequestTimeout, throttling, InternalError.
    public var isRetryable: Bool {
        if status >= 500 || status == 429 { return true }
        switch code {
        case "SlowDown", "RequestTimeout", "RequestTimeoutException", "InternalError", "ServiceUnavailable",
             "RequestThrottled", "BandwidthLimitExceeded", "TooManyRequestsException", "PriorRequestNotComplete",
             "EC2ThrottledException", "TransactionInProgressException":
            return true
        default:
            return code.hasPrefix("Throttl")
        }
    }

    /// Whether the write this error failed may still land: a gateway (a proxy or load balancer in front of S3)
    /// answered 502/504 for a backend that may have the whole request and go on to store it. S3's own answers
    /// (an error document, 500, 503 `SlowDown`) are given once it is done with the request.
    public var answerMayBeLost: Bool { status == 502 || status == 504 }

    /// Whether this is an authentication or authorisation failure (the CLI maps these to exit 3).
    public var isAuthFailure: Bool {
        switch code {
        case "SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "ExpiredToken", "InvalidToken",
             "AuthorizationHeaderMalformed", "TokenRefreshRequired", "InvalidSecurity":
            return true
        default:
            return status == 401 || status == 403
        }
    }

    /// The stable ingest code: `S3_` + the code in upper snake case (`SlowDown` → `S3_SLOW_DOWN`),
    /// with `SignatureDoesNotMatch` as `S3_SIGNATURE_MISMATCH` (`ErrorCode.s3(_:)`).
    public var stableCode: ErrorCode { ErrorCode.s3(code) }

    /// `SlowDown` → `SLOW_DOWN`, `NoSuchUpload` → `NO_SUCH_UPLOAD`, `Http503` → `HTTP503`.
    static func upperSnake(_ code: String) -> String { ErrorCode.upperSnake(code) }

    public var description: String {
        "\(operation.isEmpty ? "" : operation + ": ")\(code) (HTTP \(status)): \(message)"
            + (requestId.map { " [request id \($0)]" } ?? "")
    }

    public var ingestError: IngestError {
        IngestError(code: stableCode, message: description,
                    hint: isAuthFailure ? "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the profile) and the bucket policy" : nil,
                    retryable: isRetryable, answerMayBeLost: answerMayBeLost)
    }

    /// Decodes an error answer (XML body when present, else from the status alone).
    public static func from(_ response: HTTPResponse, operation: String) -> S3Error {
        let requestId = response.s3Header("x-amz-request-id")
        if let xml = try? S3XML.parse(response.body), xml.name == "Error" {
            var error = S3Error(code: xml["Code"] ?? "Http\(response.status)", status: response.status,
                                requestId: xml["RequestId"] ?? requestId,
                                message: xml["Message"] ?? "no message", operation: operation)
            error.documented = xml["Code"] != nil
            return error
        }
        let code: String
        switch response.status {
        case 301: code = "PermanentRedirect"
        case 400: code = "BadRequest"
        case 403: code = "AccessDenied"
        case 404: code = "NotFound"
        case 412: code = "PreconditionFailed"
        case 503: code = "SlowDown"
        default: code = "Http\(response.status)"
        }
        return S3Error(code: code, status: response.status, requestId: requestId,
                       message: "HTTP \(response.status) without an error document", operation: operation)
    }
}
