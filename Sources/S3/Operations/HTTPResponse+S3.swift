import Foundation
import HTTPEngine

extension HTTPResponse {
    /// The header `name` with surrounding whitespace and line ends removed (defensive against raw header lines).
    func s3Header(_ name: String) -> String? {
        headers[name]?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
