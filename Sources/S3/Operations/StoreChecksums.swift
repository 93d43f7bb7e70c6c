import Foundation
import IngestCore
import Synchronization

/// What the store has shown of checksum headers, shared by copies of one client.
///
/// A single PUT's object is visible the moment it is stored, so its bytes must be checked by the store before
/// that, not by an ETag after it. `Content-MD5` does it at the price of an MD5 pass over the file before the
/// send (~1.5 s of CPU per GiB). `x-amz-checksum-crc32c` does it for the price of a CRC pass (the CPU's CRC
/// instruction: ~0.1 s per GiB), but only a store that computes it checks it: one that does not know the
/// header keeps the object unchecked. So the CRC-32C header goes with every single PUT, and `Content-MD5` with
/// it until an answer has echoed the CRC-32C it was sent (S3, MinIO and SeaweedFS echo the checksum they
/// computed, and refuse a body that does not match it with `BadDigest`); from then on the CRC-32C alone.
public final class StoreChecksums: Sendable {
    private let crc32cEchoed = Atomic<Bool>(false)

    public init() {}

    /// Whether an answer of this store has echoed the `x-amz-checksum-crc32c` it was sent.
    public var verifiesCRC32CHeaders: Bool { crc32cEchoed.load(ordering: .acquiring) }

    /// Learns from a PutObject answer that echoed `echoed` for a body sent with `sent`; throws when the store
    /// says it kept other bytes than the ones the CRC was computed from (it should have refused them).
    func learn(sent: String, echoed: String?, what: String) throws {
        guard let echoed else { return }
        guard echoed == sent else {
            throw IngestError(code: .s3ETagMismatch, message: "\(what): the store answered CRC-32C \(echoed) for a body "
                              + "sent with CRC-32C \(sent); the object may be corrupt", retryable: true)
        }
        crc32cEchoed.store(true, ordering: .releasing)
    }
}
