import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore

/// Uploads files to S3: one PUT below the threshold, multipart above, parts in parallel under a global
/// byte budget, resumable from an `UploadState`. Every body is checked: by a trailing CRC-32C the store
/// verifies (when the client sends those), else parts by their ETag against the MD5 made while sending and
/// single PUTs by `Content-MD5`; the final ETag is checked too.
public struct MultipartUploader: Sendable {
    /// The S3 client.
    public let client: S3Client
    /// Threshold and part size.
    public let planner: PartPlanner
    /// Parts in flight per file.
    public let partConcurrency: Int
    /// The budget shared with every other uploader of the run.
    public let budget: ByteBudget
    /// The upload rate shared by every request of this uploader, and of any other uploader given the same
    /// limiter (one `--max-bandwidth` for a whole run, all files and parts together); nil = none.
    public let bandwidth: SendRateLimiter?

    public init(client: S3Client, planner: PartPlanner = PartPlanner(), partConcurrency: Int = 4,
                budget: ByteBudget = ByteBudget(), bandwidth: SendRateLimiter? = nil) {
        self.client = client
        self.planner = planner
        self.partConcurrency = max(1, partConcurrency)
        self.budget = budget
        self.bandwidth = bandwidth
    }

    /// An uploader whose requests share one limit of `maxBytesPerSecond` (nil or 0 = none).
    public init(client: S3Client, planner: PartPlanner = PartPlanner(), partConcurrency: Int = 4,
                budget: ByteBudget = ByteBudget(), maxBytesPerSecond: Int64?) {
        self.init(client: client, planner: planner, partConcurrency: partConcurrency, budget: budget,
                  bandwidth: maxBytesPerSecond.flatMap { $0 > 0 ? SendRateLimiter(bytesPerSecond: $0) : nil })
    }

    /// A change of an upload's resumable state, as `upload(_:resume:onChange:progress:)` reports it.
    public enum StateChange: Sendable {
        /// The upload was created, or resumed with its parts checked against ListParts and the local
        /// bytes (reported only when that changed the state it was resumed from): the whole state to keep.
        case started(UploadState)
        /// One more part finished; `state` is the whole state with it. Keep the part alone (what changed)
        /// or the whole state.
        case partDone(UploadState.CompletedPart, state: UploadState)
        /// No multipart state needs keeping any more (the upload completed).
        case cleared
        /// The write that makes the object visible (the single PUT, or CompleteMultipartUpload) is sent next.
        /// From then on the object may appear at any moment, even after this process is gone; parts before it
        /// are invisible. Callers that must know whether a visible write may be on its way record it here.
        case committing
    }

    /// Uploads `request.path` to `request.bucket`/`request.key`.
    ///
    /// - Parameters:
    ///   - resume: state of an earlier multipart upload of this object, if any.
    ///   - onStateChange: called with the whole state once the upload is created (or resumed, when ListParts
    ///     changed the state), and after each part, so callers persist it; called with nil when no multipart
    ///     state needs keeping any more.
    ///   - progress: total bytes of the file sent so far (may go back when a request is retried).
    public func upload(_ request: UploadRequest, resume: UploadState? = nil,
                       onStateChange: @escaping @Sendable (UploadState?) async throws -> Void = { _ in },
                       progress: (@Sendable (Int64) -> Void)? = nil) async throws -> UploadResult {
        try await upload(request, resume: resume, onChange: { change in
            switch change {
            case .started(let state), .partDone(_, let state): try await onStateChange(state)
            case .cleared: try await onStateChange(nil)
            case .committing: break
            }
        }, progress: progress)
    }

    /// Uploads `request.path` to `request.bucket`/`request.key`, reporting what changed in the resumable
    /// state: the whole state when the upload is created or resumed, then each part as it finishes (an
    /// append-only journal records one short line per part instead of the whole list again).
    ///
    /// - Parameters:
    ///   - resume: state of an earlier multipart upload of this object, if any.
    ///   - onChange: called as the state changes; each call finishes before the next part starts.
    ///   - progress: total bytes of the file sent so far (may go back when a request is retried).
    public func upload(_ request: UploadRequest, resume: UploadState?,
                       onChange: @escaping @Sendable (StateChange) async throws -> Void,
                       progress: (@Sendable (Int64) -> Void)? = nil) async throws -> UploadResult {
        let fingerprint = try FileFingerprint.of(request.path)
        let tracker = ProgressTracker(callback: progress)
        if !planner.usesMultipart(fileSize: fingerprint.size) {
            if let resume { try? await client.abortMultipartUpload(bucket: resume.bucket, key: resume.key, uploadId: resume.uploadId) }
            try await onChange(.committing)
            return try await putSingle(request, size: fingerprint.size, tracker: tracker)
        }
        return try await uploadMultipart(request, fingerprint: fingerprint, resume: resume, onChange: onChange,
                                         tracker: tracker)
    }

    private func putSingle(_ request: UploadRequest, size: Int64, tracker: ProgressTracker) async throws -> UploadResult {
        let taken = await budget.acquire(size)
        let md5: [UInt8]
        let etag: String
        do {
            if client.sendsTrailingChecksums {
                // Read once: hashed while sent, the CRC-32C trailing the body checked by S3 before the object appears.
                let hasher = BodyHasher(trailingChecksum: .crc32c, lanes: client.md5Lanes)
                etag = try await client.putObject(bucket: request.bucket, key: request.key,
                                                  body: .file(path: request.path, offset: 0, length: size), hasher: hasher,
                                                  metadata: request.metadata, contentType: request.contentType,
                                                  ifNoneMatch: request.ifNoneMatch,
                                                  progress: tracker.reporter(part: 1), sendLimiter: bandwidth)
                md5 = try await Self.sentMD5(hasher, path: request.path, offset: 0, length: size, what: request.key)
            } else {
                // No trailer: the store checks the bytes before it keeps them (a single PUT's object is visible at
                // once, and a watchfolder may take it within milliseconds: an ETag checked after it was kept is too
                // late), by the CRC-32C header once the store has shown it checks those, else by Content-MD5.
                let crc32c = client.sendsChecksumHeaders
                    ? try await FileHasher.crc32c(path: request.path, offset: 0, length: size) : nil
                let byCRCAlone = crc32c != nil && client.checksums.verifiesCRC32CHeaders
                let contentMD5 = byCRCAlone ? nil : try await FileHasher.md5(path: request.path, offset: 0, length: size)
                etag = try await client.putObject(bucket: request.bucket, key: request.key,
                                                  body: .file(path: request.path, offset: 0, length: size),
                                                  contentMD5: contentMD5, checksumCRC32C: crc32c,
                                                  metadata: request.metadata, contentType: request.contentType,
                                                  ifNoneMatch: request.ifNoneMatch,
                                                  progress: tracker.reporter(part: 1), sendLimiter: bandwidth)
                // Checked by its CRC-32C: the store's ETag is the MD5 of the bytes it checked.
                if let known = contentMD5 ?? Self.md5(ofETag: etag) {
                    md5 = known
                } else {
                    md5 = try await FileHasher.md5(path: request.path, offset: 0, length: size)
                }
            }
        } catch {
            await budget.release(taken)
            throw UploadOutcomeUnknown.refusedBecauseTaken(error, request) ?? error
        }
        await budget.release(taken)
        let expected = MultipartETag.single(md5: md5)
        try checkETag(server: etag, expected: expected, request: request)
        tracker.finish(part: 1, bytes: size)
        return UploadResult(bucket: request.bucket, key: request.key, bytes: size, etag: expected, partCount: 0,
                            partsSent: 1, resumed: false)
    }

    /// The MD5 a single-PUT ETag is (32 hex digits), or nil (an encrypting store's ETag is not an MD5).
    static func md5(ofETag etag: String) -> [UInt8]? {
        guard etag.utf8.count == 32, let bytes = Hex.decode(etag) else { return nil }
        return bytes
    }

    /// The MD5 `hasher` made of a body that went out whole; throws when it saw another length. An `HTTPClient`
    /// that does not show bodies to observers (a test double) saw nothing: the range is then hashed from the
    /// file, and the ETag check still compares it with what S3 kept.
    static func sentMD5(_ hasher: BodyHasher, path: String, offset: Int64, length: Int64, what: String) async throws -> [UInt8] {
        let seen = hasher.bytesObserved
        if seen == 0 && length > 0 { return try await FileHasher.md5(path: path, offset: offset, length: length) }
        guard seen == length else {
            throw IngestError(code: .fileRead, message: "\(what): \(seen) of \(length) bytes were hashed while sending",
                              retryable: true)
        }
        return hasher.finishMD5()
    }

    private func uploadMultipart(_ request: UploadRequest, fingerprint: FileFingerprint, resume: UploadState?,
                                 onChange: @escaping @Sendable (StateChange) async throws -> Void,
                                 tracker: ProgressTracker) async throws -> UploadResult {
        var (state, known, resumed) = try await prepare(request, fingerprint: fingerprint, resume: resume)
        if !resumed { try await onChange(.started(state)) }
        let plan = PartPlanner.parts(fileSize: fingerprint.size, partSize: state.partSize)
        var md5s: [Int: [UInt8]] = [:]

        // Parts S3 already holds: verify each against the local bytes (ETag = MD5 for plain uploads). The
        // state keeps those, whatever the resumed state listed.
        state.completedParts = []
        for part in plan {
            guard let remote = known[part.number] else { continue }
            let md5 = try await FileHasher.md5(path: request.path, offset: part.offset, length: part.length)
            if remote.size == part.length && remote.etag == Hex.encode(md5) {
                md5s[part.number] = md5
                state.record(part: part.number, etag: remote.etag)
                tracker.finish(part: part.number, bytes: part.length)
            }
        }
        if resumed && state != resume { try await onChange(.started(state)) }

        let missing = plan.filter { md5s[$0.number] == nil }
        let uploadId = state.uploadId
        try await withThrowingTaskGroup(of: (Int, String, [UInt8]).self) { group in
            var iterator = missing.makeIterator()
            func startNext() -> Bool {
                guard let part = iterator.next() else { return false }
                group.addTask { try await sendPart(part, request: request, uploadId: uploadId, tracker: tracker) }
                return true
            }
            for _ in 0..<partConcurrency where !startNext() { break }
            while let (number, etag, md5) = try await group.next() {
                md5s[number] = md5
                state.record(part: number, etag: etag)
                try await onChange(.partDone(UploadState.CompletedPart(number: number, etag: etag), state: state))
                _ = startNext()
            }
        }

        let expected = MultipartETag.multipart(partMD5s: plan.map { md5s[$0.number]! })
        try await onChange(.committing)
        let etag: String
        do {
            etag = try await client.completeMultipartUpload(bucket: request.bucket, key: request.key,
                                                            uploadId: state.uploadId,
                                                            parts: state.completedParts.map { ($0.number, $0.etag) },
                                                            ifNoneMatch: request.ifNoneMatch)
        } catch let error as S3Error where error.code == "NoSuchUpload" {
            // The upload is gone: an earlier Complete may have succeeded with its answer lost, and a
            // watchfolder may already have moved the object. Only a read of both places can tell.
            throw UploadOutcomeUnknown(request: request, reason: "the multipart upload is gone (NoSuchUpload): "
                                       + "an earlier CompleteMultipartUpload may have succeeded")
        } catch {
            throw UploadOutcomeUnknown.refusedBecauseTaken(error, request) ?? error
        }
        try checkETag(server: etag, expected: expected, request: request)
        try await onChange(.cleared)
        return UploadResult(bucket: request.bucket, key: request.key, bytes: fingerprint.size, etag: expected,
                            partCount: plan.count, partsSent: missing.count, resumed: resumed)
    }

    /// The state to continue from and the parts S3 already holds: a valid resume, or a new upload.
    private func prepare(_ request: UploadRequest, fingerprint: FileFingerprint, resume: UploadState?)
        async throws -> (UploadState, [Int: S3UploadedPart], Bool) {
        if let resume, resume.bucket == request.bucket, resume.key == request.key {
            if resume.matches(fingerprint) {
                do {
                    let parts = try await client.listParts(bucket: resume.bucket, key: resume.key, uploadId: resume.uploadId)
                    return (resume, Dictionary(parts.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a }), true)
                } catch let error as S3Error where error.code == "NoSuchUpload" || error.status == 404 {
                    // Expired or aborted elsewhere: start again.
                }
            } else {
                try? await client.abortMultipartUpload(bucket: resume.bucket, key: resume.key, uploadId: resume.uploadId)
            }
        } else if let resume {
            try? await client.abortMultipartUpload(bucket: resume.bucket, key: resume.key, uploadId: resume.uploadId)
        }
        let uploadId = try await client.createMultipartUpload(bucket: request.bucket, key: request.key,
                                                              metadata: request.metadata, contentType: request.contentType)
        let state = UploadState(bucket: request.bucket, key: request.key, uploadId: uploadId,
                                partSize: planner.partSize(fileSize: fingerprint.size), fileSize: fingerprint.size,
                                mtime: fingerprint.mtime)
        return (state, [:], false)
    }

    /// Every ETag an object holding exactly the file at `path` (`size` bytes) can have when this uploader
    /// sent it: the whole-file MD5 (a single PUT, or a copy S3 made) and the multipart ETag for this
    /// planner's part size and for `resumedPartSize` (an earlier upload's). Reads the file once.
    public func contentETags(path: String, size: Int64, resumedPartSize: Int64? = nil) async throws -> Set<String> {
        var partSizes: [Int64] = []
        if planner.usesMultipart(fileSize: size) { partSizes.append(planner.partSize(fileSize: size)) }
        if let resumedPartSize { partSizes.append(resumedPartSize) }
        return try await LocalETags.of(path: path, size: size, partSizes: partSizes)
    }

    private func checkETag(server: String, expected: String, request: UploadRequest) throws {
        guard server.isEmpty || server == expected else {
            throw IngestError(code: .s3ETagMismatch, message: "\(request.bucket)/\(request.key): S3 answered ETag "
                              + "\(server), computed locally \(expected); the object may be corrupt", retryable: true)
        }
    }
}
