import Foundation
import IngestCore

/// Whether uploads send a trailing CRC-32C (`aws-chunked` with `x-amz-checksum-crc32c`):
/// `SKYLARK_S3_TRAILING_CHECKSUM=auto|on|off`.
///
/// With the trailer the store checks each body before it keeps it, and each byte is read once. Without it,
/// parts are still read once (hashed while sent, their ETag checked against that MD5), and single PUTs carry
/// an `x-amz-checksum-crc32c` header (a CRC pass first) and `Content-MD5` until the store has shown it checks
/// the CRC (`StoreChecksums`). Decoding `aws-chunked` costs the store CPU (SeaweedFS: ~1.4 CPU-s per GiB),
/// which on AWS is not ours to pay and on a store beside the client is: so `auto` is on for AWS and off for a
/// custom endpoint. `off` sends no flexible checksum at all (single PUTs: `Content-MD5` alone).
public enum TrailingChecksumSetting: String, Sendable, Hashable, CaseIterable {
    /// On for AWS S3 (no custom endpoint), off for a custom endpoint (SeaweedFS, MinIO, …).
    case auto
    /// Always (the store must accept `aws-chunked` trailers).
    case on
    /// Never, nor a CRC-32C header (for a store that refuses `x-amz-checksum-*` headers).
    case off

    /// The environment variable (and config-file key) that sets it.
    public static let variable = "SKYLARK_S3_TRAILING_CHECKSUM"

    /// Whether a store at a custom endpoint (`customEndpoint`) or at AWS gets trailing checksums.
    public func enabled(customEndpoint: Bool) -> Bool {
        switch self {
        case .auto: return !customEndpoint
        case .on: return true
        case .off: return false
        }
    }

    /// The setting `environment` gives (`auto` when unset); throws `CONFIG_SYNTAX` for another value.
    public static func from(_ environment: [String: String]) throws -> TrailingChecksumSetting {
        guard let text = environment[variable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return .auto }
        guard let setting = TrailingChecksumSetting(rawValue: text.lowercased()) else {
            throw IngestError(code: .configSyntax, message: "\(variable) must be auto, on or off, got '\(DiagnosticText.escaped(text))'",
                              hint: "auto sends a trailing CRC-32C to AWS and not to a custom endpoint")
        }
        return setting
    }
}
