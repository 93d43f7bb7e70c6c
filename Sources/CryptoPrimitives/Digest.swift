import COpenSSL

/// The message digests the project uses, computed by libcrypto's EVP interface.
public enum DigestAlgorithm: Sendable {
    case sha256
    case md5
    case sha1

    var evp: OpaquePointer {
        switch self {
        case .sha256: return EVP_sha256()
        case .md5: return EVP_md5()
        case .sha1: return EVP_sha1()
        }
    }

    /// The length in bytes of this algorithm's output.
    public var byteCount: Int {
        switch self {
        case .sha256: return 32
        case .md5: return 16
        case .sha1: return 20
        }
    }
}

/// An incremental hash over an `EVP_MD_CTX`: feed bytes with `update`, read the result with `finalize`.
///
/// Owns its context; not shared across threads (it is a non-copyable value). `@unchecked Sendable`: being
/// non-copyable, it has one owner at a time, and moving it to another thread (or behind a `Mutex`) moves the
/// context with it.
public struct StreamingDigest: ~Copyable, @unchecked Sendable {
    private let context: OpaquePointer
    public let algorithm: DigestAlgorithm

    /// Starts a new digest computation.
    public init(_ algorithm: DigestAlgorithm) {
        self.algorithm = algorithm
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        precondition(EVP_DigestInit_ex(ctx, algorithm.evp, nil) == 1, "EVP_DigestInit_ex failed")
        self.context = ctx
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the digest.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0, let base = bytes.baseAddress else { return }
        precondition(EVP_DigestUpdate(context, base, bytes.count) == 1, "EVP_DigestUpdate failed")
    }

    /// Adds `bytes` to the digest.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if done == nil {
            let array = Array(bytes)
            array.withUnsafeBytes { update($0) }
        }
    }

    /// Returns the digest of everything added; the value cannot be used afterwards.
    public consuming func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &out, &length) == 1, "EVP_DigestFinal_ex failed")
        return Array(out.prefix(Int(length)))
    }
}

/// One-shot digests.
public enum Digest {
    /// SHA-256 of `bytes`.
    public static func sha256<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        hash(.sha256, bytes)
    }

    /// MD5 of `bytes` (S3 ETags and Content-MD5 only; not for security).
    public static func md5<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        hash(.md5, bytes)
    }

    /// The digest of `bytes` with `algorithm`.
    public static func hash<Bytes: Sequence>(_ algorithm: DigestAlgorithm, _ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var digest = StreamingDigest(algorithm)
        digest.update(bytes)
        return digest.finalize()
    }
}
