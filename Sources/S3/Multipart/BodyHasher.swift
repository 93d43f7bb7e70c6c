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
/// With an `MD5LaneScheduler` (the uploader's, shared by the bodies in flight) the MD5 runs in a SIMD lane
/// beside the other bodies'; the lane is taken at the first attempt and freed by `finishMD5` (or when the
/// hasher goes away). Without one, OpenSSL's MD5 hashes this body alone.
///
/// The engine thread writes while a request is in flight, the caller reads after its answer; a `Mutex`
/// orders the two.
public final class BodyHasher: HTTPBodyObserver, Sendable {
    /// The digests of one attempt's bytes so far.
    private struct Digests: ~Copyable {
        /// The MD5 without a scheduler (nil once finished).
        var md5: StreamingDigest?
        /// The MD5's lane with a scheduler (nil before the first byte and once finished).
        var lane: MD5LaneScheduler.Lane?
        var finished = false
        var crc: UInt32 = 0
        var count: Int64 = 0
    }

    /// The checksum sent in the `aws-chunked` trailer, if any.
    public let trailingChecksum: TrailingChecksum?
    private let lanes: MD5LaneScheduler?
    private let digests: Mutex<Digests>

    public init(trailingChecksum: TrailingChecksum? = nil, lanes: MD5LaneScheduler? = nil) {
        self.trailingChecksum = trailingChecksum
        self.lanes = lanes
        digests = Mutex(Digests(md5: lanes == nil ? StreamingDigest(.md5) : nil))
    }

    deinit {
        if let lanes, let lane = digests.withLock({ $0.lane }) { lanes.release(lane) }
    }

    public func restart() {
        let lanes = self.lanes
        digests.withLock { digests in
            digests.crc = 0
            digests.count = 0
            digests.finished = false
            if let lanes {
                if let lane = digests.lane { lanes.reset(lane) }
            } else {
                digests.md5 = StreamingDigest(.md5)
            }
        }
    }

    public func observe(_ bytes: UnsafeRawBufferPointer) {
        let crc32c = trailingChecksum != nil
        let lanes = self.lanes
        digests.withLock { digests in
            if let lanes {
                if digests.lane == nil && !digests.finished { digests.lane = lanes.acquire() }
                if let lane = digests.lane { lanes.append(lane, bytes) }
            } else {
                digests.md5?.update(bytes)
            }
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
        let lanes = self.lanes
        return digests.withLock { digests in
            guard let lanes else { return digests.md5.take()?.finalize() ?? [] }
            if digests.finished { return [] }
            digests.finished = true
            let lane = digests.lane ?? lanes.acquire()
            digests.lane = nil
            return lanes.finish(lane)
        }
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
