import CCRC32C
import CryptoPrimitives
import Dispatch
import Foundation
import IngestCore

/// A file's size and modification time, read with `stat`.
public struct FileFingerprint: Sendable, Hashable {
    public var size: Int64
    /// Seconds since 1970.
    public var mtime: Double

    /// Reads the fingerprint of `path`; throws `FILE_NOT_FOUND` / `FILE_READ`.
    public static func of(_ path: String) throws -> FileFingerprint {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code: ErrorCode = errno == ENOENT ? .fileNotFound : .fileRead
            throw IngestError(code: code, message: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw IngestError(code: .fileRead, message: "\(path) is not a regular file")
        }
        let mtime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return FileFingerprint(size: Int64(info.st_size), mtime: mtime)
    }
}

/// Digests of file ranges (MD5, CRC-32C), read with `pread` in 1 MiB chunks on a dispatch queue (never on the
/// cooperative pool).
public enum FileHasher {
    private static let queue = DispatchQueue(label: "skylark.s3.file-hasher", attributes: .concurrent)
    private static let chunkSize = 1024 * 1024

    /// The MD5 of `length` bytes of `path` from `offset`.
    public static func md5(path: String, offset: Int64, length: Int64) async throws -> [UInt8] {
        try await offPool { try md5Blocking(path: path, offset: offset, length: length) }
    }

    /// The blocking form of `md5(path:offset:length:)`.
    public static func md5Blocking(path: String, offset: Int64, length: Int64) throws -> [UInt8] {
        var digest = StreamingDigest(.md5)
        try read(path: path, offset: offset, length: length) { digest.update($0) }
        return digest.finalize()
    }

    /// The CRC-32C (S3's `x-amz-checksum-crc32c`) of `length` bytes of `path` from `offset`: a pass at the
    /// speed of the read (the CPU's CRC instruction), an order of magnitude cheaper than an MD5.
    public static func crc32c(path: String, offset: Int64, length: Int64) async throws -> UInt32 {
        try await offPool {
            var crc: UInt32 = 0
            try read(path: path, offset: offset, length: length) { crc = ccrc32c_update(crc, $0.baseAddress, $0.count) }
            return crc
        }
    }

    private static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Hands `length` bytes of `path` from `offset` to `consume`, a chunk at a time.
    private static func read(path: String, offset: Int64, length: Int64,
                             _ consume: (UnsafeRawBufferPointer) -> Void) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw IngestError(code: .fileRead, message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var done: Int64 = 0
        while done < length {
            let want = Int(min(Int64(chunkSize), length - done))
            let got = pread(fd, buffer.baseAddress, want, off_t(offset + done))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw IngestError(code: .fileRead, message: got == 0 ? "\(path) is shorter than expected (changed during upload?)"
                                  : "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            consume(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            done += Int64(got)
        }
    }
}
