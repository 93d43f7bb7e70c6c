import Foundation
import HTTPEngine
import IngestCore

/// A Skylark API call that answered with an error status, with the server's code and per-field
/// messages; converts to an `IngestError` with a stable `SKYLARK_*` code.
public struct SkylarkAPIError: Error, Sendable, Hashable, CustomStringConvertible, IngestErrorConvertible {
    /// The HTTP status.
    public var status: Int
    /// The server's `skylark_error_code`, when it sent one.
    public var skylarkCode: String?
    /// The server's `error` message (or a summary of a non-JSON body).
    public var message: String
    /// Field → messages from `form_validation_errors`.
    public var fieldErrors: [String: [String]]
    /// The request method.
    public var method: String
    /// The request's path (and query), relative to the API root when possible.
    public var path: String
    /// The `Retry-After` the server asked for.
    public var retryAfter: Duration?

    /// Creates an error.
    public init(status: Int, skylarkCode: String?, message: String, fieldErrors: [String: [String]] = [:],
                method: String, path: String, retryAfter: Duration? = nil) {
        self.status = status
        self.skylarkCode = skylarkCode
        self.message = message
        self.fieldErrors = fieldErrors
        self.method = method
        self.path = path
        self.retryAfter = retryAfter
    }

    /// Reads the error from a response (tolerant of bodies that are not Skylark's JSON).
    public init(response: HTTPResponse, method: String, path: String) {
        let body = try? JSONDecoder().decode(SkylarkErrorBody.self, from: Data(response.body))
        let fallback: String
        let text = response.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.hasPrefix("<") {
            fallback = "HTTP \(response.status)"
        } else {
            fallback = "HTTP \(response.status): \(text.prefix(200))"
        }
        self.init(status: response.status, skylarkCode: body?.skylarkErrorCode, message: body?.error ?? fallback,
                  fieldErrors: body?.formValidationErrors ?? [:], method: method, path: path,
                  retryAfter: response.retryAfter)
    }

    /// The stable code: `SKYLARK_FORM_VALIDATION`, `SKYLARK_NOT_FOUND`, `SKYLARK_UNAUTHORIZED`,
    /// `SKYLARK_BAD_REQUEST`, `SKYLARK_RATE_LIMITED`, `SKYLARK_UNAVAILABLE` or `SKYLARK_SERVER_ERROR`.
    public var code: ErrorCode {
        switch skylarkCode {
        case "FORM_VALIDATION_ERRORS": return .skylarkFormValidation
        case "NOT_FOUND": return .skylarkNotFound
        case "UNAUTHORIZED": return .skylarkUnauthorized
        case "BAD_REQUEST": return .skylarkBadRequest
        case "RATE_LIMITED": return .skylarkRateLimited
        case "SERVICE_UNAVAILABLE": return .skylarkUnavailable
        case "SERVER_ERROR": return .skylarkServerError
        default: break
        }
        switch status {
        case 400 where !fieldErrors.isEmpty: return .skylarkFormValidation
        case 401, 403: return .skylarkUnauthorized
        case 404: return .skylarkNotFound
        case 429: return .skylarkRateLimited
        case 502, 503, 504: return .skylarkUnavailable
        case 500...: return .skylarkServerError
        default: return .skylarkBadRequest
        }
    }

    /// Whether trying again later may succeed (rate limits, unavailability, server errors).
    public var isRetryable: Bool {
        [ErrorCode.skylarkRateLimited, .skylarkUnavailable, .skylarkServerError].contains(code)
    }

    /// Each field's messages, `field: message; message`, fields sorted.
    public var fieldSummary: String {
        fieldErrors.keys.sorted().map { "\($0): \(fieldErrors[$0]!.joined(separator: "; "))" }
            .joined(separator: "; ")
    }

    public var description: String { ingestError.description }

    public var ingestError: IngestError {
        let call = "\(method) \(path)"
        switch code {
        case .skylarkFormValidation:
            let fields = fieldErrors.isEmpty ? message : fieldSummary
            return IngestError(code: code, message: "Skylark rejected \(call): \(fields)",
                               hint: "fix these fields in the manifest (or the existing object) and run again")
        case .skylarkNotFound:
            return IngestError(code: code, message: "Skylark has no such object: \(call) answered 404 (\(message))",
                               hint: "check the uid or URL; it may have been deleted")
        case .skylarkUnauthorized:
            return IngestError(code: code, message: "Skylark refused the credentials for \(call) "
                                   + "(HTTP \(status)): \(message)",
                               hint: "check SKYLARK_TOKEN, or the Cognito user, pool and client settings")
        case .skylarkRateLimited:
            return IngestError(code: code, message: "Skylark rate-limited \(call) (HTTP \(status)): \(message)",
                               hint: "lower --concurrency or run again later", retryable: true)
        case .skylarkUnavailable:
            return IngestError(code: code, message: "Skylark is unavailable for \(call) (HTTP \(status)): \(message)",
                               hint: "run again later; finished work is kept in the checkpoint", retryable: true)
        case .skylarkServerError:
            return IngestError(code: code, message: "Skylark failed on \(call) (HTTP \(status)): \(message)",
                               hint: "run again; if it persists, report it to the Skylark administrators",
                               retryable: true)
        default:
            return IngestError(code: code, message: "Skylark rejected \(call) (HTTP \(status)): \(message)")
        }
    }
}

/// A Skylark response the client cannot use (a body that is not the expected JSON, a missing field).
public struct SkylarkResponseError: Error, Sendable, Hashable, CustomStringConvertible, IngestErrorConvertible {
    /// What was wrong.
    public var message: String
    /// The request method.
    public var method: String
    /// The request's path.
    public var path: String

    /// Creates an error.
    public init(message: String, method: String, path: String) {
        self.message = message
        self.method = method
        self.path = path
    }

    public var description: String { ingestError.description }

    public var ingestError: IngestError {
        IngestError(code: .skylarkBadResponse, message: "Skylark answered \(method) \(path) with \(message)",
                    hint: "check that SKYLARK_API_URL points at the Skylark API root (…/api/)")
    }
}
