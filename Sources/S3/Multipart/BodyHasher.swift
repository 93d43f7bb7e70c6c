import CCRC32C
import CryptoPrimitives
import Foundation
import HTTPEngine

/// Hashes a request body while the engine sends it: the MD5 that gives the part's (or object's) ETag and,
/// for a trailing checksum, its CRC-32C. Each byte is read once, from curl's buffer, on the engine thread;
/// each attempt starts again from nothing (`restart`), so after a success the digests are of exactly the
/// bytes S3 received.
///
/// `@unchecked Sendable`: the engine thread writes while a request is in flight, the caller reads after its
/// answer; `lock` orders the two.
public final class BodyHasher: HTTPBodyObserver, @unchecked Sendable {
    /// The checksum sent in the `aws-chunked` trailer, if any.
    public let trailingChecksum: TrailingChecksum?
    private let lock = NSLock()
    private var md5: StreamingDigest? = StreamingDigest(.md5)
    private var crc: UInt32 = 0
    private var count: Int64 = 0

    public init(trailingChecksum: TrailingChecksum? = nil) {
        self.trailingChecksum = trailingChecksum
    }

    public func restart() {
        lock.lock()
        md5 = StreamingDigest(.md5)
        crc = 0
        count = 0
        lock.unlock()
    }

    public func observe(_ bytes: UnsafeRawBufferPointer) {
        lock.lock()
        md5?.update(bytes)
        if trailingChecksum != nil, let base = bytes.baseAddress { crc = ccrc32c_update(crc, base, bytes.count) }
        count += Int64(bytes.count)
        lock.unlock()
    }

    public func trailerValue() -> String {
        lock.lock()
        defer { lock.unlock() }
        return TrailingChecksum.base64(crc32c: crc)
    }

    /// The bytes seen by the last attempt.
    public var bytesObserved: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    /// The MD5 of the bytes the last attempt sent (ends that digest; ask once, after the answer).
    public func finishMD5() -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return md5.take()?.finalize() ?? []
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
