import CCRC32C
import CryptoPrimitives
import Foundation
import HTTPEngine
import Synchronization

/// Hashes a request body while the engine sends it: the MD5 that gives the part's (or object's) ETag and,
/// for a trailing checksum, its CRC-32C. Each byte is read once, from curl's buffer, on the engine thread;
/// each attempt starts again from nothing (`restart`), so after a success the digests are of exactly the
/// bytes S3 received.
///
/// The engine thread writes while a request is in flight, the caller reads after its answer; a `Mutex`
/// orders the two.
public final class BodyHasher: HTTPBodyObserver, Sendable {
    /// The digests of one attempt's bytes so far.
    private struct Digests: ~Copyable {
        var md5: StreamingDigest? = StreamingDigest(.md5)
        var crc: UInt32 = 0
        var count: Int64 = 0
    }

    /// The checksum sent in the `aws-chunked` trailer, if any.
    public let trailingChecksum: TrailingChecksum?
    private let digests = Mutex(Digests())

    public init(trailingChecksum: TrailingChecksum? = nil) {
        self.trailingChecksum = trailingChecksum
    }

    public func restart() {
        digests.withLock { $0 = Digests() }
    }

    public func observe(_ bytes: UnsafeRawBufferPointer) {
        let crc32c = trailingChecksum != nil
        digests.withLock { digests in
            digests.md5?.update(bytes)
            if crc32c, let base = bytes.baseAddress { digests.crc = ccrc32c_update(digests.crc, base, bytes.count) }
            digests.count += Int64(bytes.count)
        }
    }

    public func trailerValue() -> String {
        TrailingChecksum.base64(crc32c: digests.withLock { $0.crc })
    }

    /// The bytes seen by the last attempt.
    public var bytesObserved: Int64 { digests.withLock { $0.count } }

    /// The MD5 of the bytes the last attempt sent (ends that digest; ask once, after the answer).
    public func finishMD5() -> [UInt8] {
        digests.withLock { $0.md5.take()?.finalize() ?? [] }
    }
}

/// A flexible checksum S3 verifies from an `aws-chunked` trailer.
public enum TrailingChecksum: String, Sendable, Hashable {
    case crc32c = "x-amz-checksum-crc32c"

    /// The trailer header's name.
    public var headerName: String { rawValue }
    /// The value's length: base64 of the 4 big-endian bytes.
    public var valueLength: Int { 8 }

    /// S3's form of a CRC-32C: base64 of its big-endian bytes.
    public static func base64(crc32c value: UInt32) -> String {
        Data([UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]).base64EncodedString()
    }

    /// The CRC-32C of `bytes` (tests, vectors).
    public static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { ccrc32c_update(0, $0.baseAddress, $0.count) }
    }
}
