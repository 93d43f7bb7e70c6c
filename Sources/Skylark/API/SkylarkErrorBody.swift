/// The body of every Skylark error: `{"error", "skylark_error_code", "form_validation_errors"}`.
public struct SkylarkErrorBody: Sendable, Hashable, Decodable {
    /// The message.
    public var error: String?
    /// `FORM_VALIDATION_ERRORS`, `NOT_FOUND`, `UNAUTHORIZED`, `BAD_REQUEST`, `SERVER_ERROR`,
    /// `SERVICE_UNAVAILABLE`, `RATE_LIMITED`, …
    public var skylarkErrorCode: String?
    /// Field name → messages, for `FORM_VALIDATION_ERRORS`.
    public var formValidationErrors: [String: [String]]?

    enum CodingKeys: String, CodingKey {
        case error, skylarkErrorCode = "skylark_error_code", formValidationErrors = "form_validation_errors"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        error = try? c.decodeIfPresent(String.self, forKey: .error)
        skylarkErrorCode = try? c.decodeIfPresent(String.self, forKey: .skylarkErrorCode)
        // Tolerate a single string per field as well as a list.
        if let lists = try? c.decodeIfPresent([String: [String]].self, forKey: .formValidationErrors) {
            formValidationErrors = lists
        } else if let single = try? c.decodeIfPresent([String: String].self, forKey: .formValidationErrors) {
            formValidationErrors = single.mapValues { [$0] }
        } else {
            formValidationErrors = nil
        }
    }
}
