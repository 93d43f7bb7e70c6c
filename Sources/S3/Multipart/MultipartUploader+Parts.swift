import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore

extension MultipartUploader {
    /// Streams one part from the file under the byte budget, hashing it as it goes out (read once); returns
    /// its number, ETag and MD5.
    func sendPart(_ part: PartRange, request: UploadRequest, uploadId: String,
                  tracker: ProgressTracker) async throws -> (Int, String, [UInt8]) {
        let taken = await budget.acquire(part.length)
        do {
            let sent = try await sendPartBody(part, request: request, uploadId: uploadId, tracker: tracker)
            await budget.release(taken)
            return sent
        } catch {
            await budget.release(taken)
            throw error
        }
    }

    /// One part, read once: hashed while it goes out, with a trailing CRC-32C the store checks before it keeps
    /// the part when the client sends those (`S3Client.sendsTrailingChecksums`), else plain and without
    /// `Content-MD5`. Either way the part's ETag (the MD5 of the bytes the store kept) must equal the MD5 of
    /// the bytes sent, or the part fails (`S3_PART_ETAG_MISMATCH`, retryable: a part is invisible until
    /// CompleteMultipartUpload, and sending it again replaces it). A plain part whose ETag is not an MD5 (an
    /// encrypting store) proved nothing: it goes again with `Content-MD5`, which the store checks.
    private func sendPartBody(_ part: PartRange, request: UploadRequest, uploadId: String,
                              tracker: ProgressTracker) async throws -> (Int, String, [UInt8]) {
        let trailer = client.sendsTrailingChecksums
        let hasher = BodyHasher(trailingChecksum: trailer ? .crc32c : nil, lanes: client.md5Lanes)
        let etag = try await client.uploadPart(bucket: request.bucket, key: request.key, uploadId: uploadId,
                                               partNumber: part.number,
                                               body: .file(path: request.path, offset: part.offset, length: part.length),
                                               contentMD5: nil, hasher: hasher,
                                               progress: tracker.reporter(part: part.number), sendLimiter: bandwidth)
        let md5 = try await Self.sentMD5(hasher, path: request.path, offset: part.offset, length: part.length,
                                         what: "part \(part.number) of \(request.key)")
        if !trailer && !Self.isMD5(etag) {
            return try await sendPartWithContentMD5(part, request: request, uploadId: uploadId, tracker: tracker)
        }
        try checkPartETag(etag, md5: md5, part: part, request: request)
        tracker.finish(part: part.number, bytes: part.length)
        return (part.number, etag, md5)
    }

    /// The part with `Content-MD5`: its MD5 first (one read), then the body (a second read).
    private func sendPartWithContentMD5(_ part: PartRange, request: UploadRequest, uploadId: String,
                                        tracker: ProgressTracker) async throws -> (Int, String, [UInt8]) {
        let md5 = try await FileHasher.md5(path: request.path, offset: part.offset, length: part.length)
        let etag = try await client.uploadPart(bucket: request.bucket, key: request.key, uploadId: uploadId,
                                               partNumber: part.number,
                                               body: .file(path: request.path, offset: part.offset, length: part.length),
                                               contentMD5: md5, progress: tracker.reporter(part: part.number),
                                               sendLimiter: bandwidth)
        try checkPartETag(etag, md5: md5, part: part, request: request)
        tracker.finish(part: part.number, bytes: part.length)
        return (part.number, etag, md5)
    }

    /// Whether `etag` has the form of an MD5 (32 hex digits), which a part's or a single PUT's ETag has
    /// unless the store encrypts (SSE-KMS, SSE-C) or makes its own.
    static func isMD5(_ etag: String) -> Bool {
        etag.utf8.count == 32 && etag.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// A part's ETag is the MD5 of the bytes S3 kept (other forms, e.g. with SSE-KMS, are not checked).
    private func checkPartETag(_ etag: String, md5: [UInt8], part: PartRange, request: UploadRequest) throws {
        if Self.isMD5(etag) && etag != Hex.encode(md5) {
            throw IngestError(code: .s3PartETagMismatch, message: "part \(part.number) of \(request.key): "
                              + "S3 answered ETag \(etag), local MD5 is \(Hex.encode(md5))", retryable: true)
        }
    }
}
