/// An error the API answers with: `{"error", "skylark_error_code", "form_validation_errors"}`.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    public var formErrors: [String: [String]]?
    /// Seconds for a `Retry-After` header (503, 429).
    public var retryAfter: Int?

    public init(status: Int, code: String, message: String, formErrors: [String: [String]]? = nil,
                retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.formErrors = formErrors
        self.retryAfter = retryAfter
    }

    /// 400 FORM_VALIDATION_ERRORS with per-field messages.
    public static func form(_ errors: [String: [String]]) -> APIError {
        APIError(status: 400, code: "FORM_VALIDATION_ERRORS", message: "The submitted data is not valid.",
                 formErrors: errors)
    }

    /// 404 NOT_FOUND.
    public static func notFound(_ message: String) -> APIError {
        APIError(status: 404, code: "NOT_FOUND", message: message)
    }

    /// 400 BAD_REQUEST.
    public static func badRequest(_ message: String) -> APIError {
        APIError(status: 400, code: "BAD_REQUEST", message: message)
    }

    /// 401 UNAUTHORIZED.
    public static func unauthorized(_ message: String) -> APIError {
        APIError(status: 401, code: "UNAUTHORIZED", message: message)
    }

    /// 500 SERVER_ERROR.
    public static func serverError(_ message: String = "Internal server error (injected fault).") -> APIError {
        APIError(status: 500, code: "SERVER_ERROR", message: message)
    }
}
