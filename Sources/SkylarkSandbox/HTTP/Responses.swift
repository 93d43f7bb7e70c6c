import Foundation
import Hummingbird
import IngestCore

/// JSON answers of the sandbox.
enum Responses {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// `value` as JSON with `status`.
    static func json(_ value: JSONValue, status: Int, contentType: String = "application/json") -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return raw(data, status: status, contentType: contentType)
    }

    /// Encodable `value` as JSON with `status`.
    static func encodable(_ value: some Encodable, status: Int = 200) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return raw(data, status: status, contentType: "application/json")
    }

    /// Raw bytes.
    static func raw(_ data: Data, status: Int, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .init(code: status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The API error body `{"error", "skylark_error_code", "form_validation_errors"}`.
    static func error(_ error: APIError) -> Response {
        let form: JSONValue = error.formErrors.map { .object($0.mapValues { .array($0.map(JSONValue.string)) }) } ?? .null
        var response = json(.object(["error": .string(error.message), "skylark_error_code": .string(error.code),
                                     "form_validation_errors": form]), status: error.status)
        if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }
}
