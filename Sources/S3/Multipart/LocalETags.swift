import CryptoPrimitives
import Dispatch
import Foundation
import IngestCore

/// The ETags S3 can give an object holding exactly a local file's bytes: the MD5 of the whole file (a
/// single PUT, or a copy S3 made of the object) and the multipart ETag for each part size that may have
/// been used. An object whose ETag is one of these holds our bytes; one of the same size but another
/// ETag is someone else's (an earlier delivery, a re-encoded master) and is never taken for ours.
public enum LocalETags {
    private static let queue = DispatchQueue(label: "skylark.s3.local-etags", attributes: .concurrent)
    private static let chunkSize = 1024 * 1024

    /// Reads `path` once (off the cooperative pool) and returns every candidate ETag, normalised.
    public static func of(path: String, size: Int64, partSizes: [Int64]) async throws -> Set<String> {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try blocking(path: path, size: size, partSizes: partSizes) }) }
        }
    }

    /// The blocking form of `of(path:size:partSizes:)`.
    public static func blocking(path: String, size: Int64, partSizes: [Int64]) throws -> Set<String> {
        let sizes = Array(Set(partSizes.filter { $0 > 0 })).sorted()
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw IngestError(code: .fileRead, message: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var whole = StreamingDigest(.md5)
        let parts = sizes.map { _ in PartDigest() }
        var partFill = sizes.map { _ in Int64(0) }
        var partMD5s: [[[UInt8]]] = sizes.map { _ in [] }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var done: Int64 = 0
        while done < size {
            let want = Int(min(Int64(chunkSize), size - done))
            let got = pread(fd, buffer.baseAddress, want, off_t(done))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                throw IngestError(code: .fileRead, message: got == 0 ? "\(path) is shorter than expected (changed?)"
                                  : "cannot read \(path): \(String(cString: strerror(errno)))")
            }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
            whole.update(chunk)
            for index in sizes.indices {
                // Feed the chunk to the part digests, closing a part at each part boundary.
                var offset = 0
                while offset < got {
                    let room = Int(min(Int64(got - offset), sizes[index] - partFill[index]))
                    parts[index].update(UnsafeRawBufferPointer(rebasing: chunk[offset..<(offset + room)]))
                    partFill[index] += Int64(room)
                    offset += room
                    if partFill[index] == sizes[index] {
                        partMD5s[index].append(parts[index].finish())
                        partFill[index] = 0
                    }
                }
            }
            done += Int64(got)
        }
        var result: Set<String> = [MultipartETag.single(md5: whole.finalize())]
        for index in sizes.indices {
            if partFill[index] > 0 || partMD5s[index].isEmpty { partMD5s[index].append(parts[index].finish()) }
            result.insert(MultipartETag.multipart(partMD5s: partMD5s[index]))
        }
        return result
    }
}

/// One part's running MD5, restarted after each part (a box, since `StreamingDigest` cannot be copied).
private final class PartDigest {
    private var digest: StreamingDigest? = StreamingDigest(.md5)

    func update(_ bytes: UnsafeRawBufferPointer) { digest!.update(bytes) }

    /// The finished part's MD5; the next part starts from nothing.
    func finish() -> [UInt8] {
        let finished = digest.take()!.finalize()
        digest = StreamingDigest(.md5)
        return finished
    }
}
