import Foundation
import IngestCore
import S3
import Synchronization

/// `ObjectStore` over the S3 client and the resumable multipart uploader.
public struct WatchfolderStore: ObjectStore {
    public let bucket: String
    public let client: S3Client
    public let uploader: MultipartUploader

    public init(bucket: String, client: S3Client, uploader: MultipartUploader) {
        self.bucket = bucket
        self.client = client
        self.uploader = uploader
    }

    public func head(key: String) async throws -> ObjectInfo? {
        try await client.headObject(bucket: bucket, key: key).map {
            ObjectInfo(size: $0.size, etag: $0.etag, metadata: $0.metadata)
        }
    }

    public func contentETags(path: String, size: Int64, resume: JSONValue?) async throws -> Set<String> {
        try await uploader.contentETags(path: path, size: size, resumedPartSize: Self.uploadState(resume)?.partSize)
    }

    /// The uploader's state in the opaque JSON the journal keeps.
    static func uploadState(_ resume: JSONValue?) -> UploadState? {
        guard let resume, let data = resume.canonicalJSON.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode(UploadState.self, from: data)
    }

    public func upload(path: String, key: String, metadata: [String: String], resume: JSONValue?,
                       onState: @escaping @Sendable (UploadStateChange) async throws -> Void,
                       progress: @escaping @Sendable (Int64) -> Void) async throws -> UploadOutcome {
        let state = Self.uploadState(resume)
        let last = ProgressDelta()
        let result = try await uploader.upload(
            UploadRequest(path: path, bucket: bucket, key: key, metadata: metadata, ifNoneMatch: true), resume: state,
            onChange: { change in
                switch change {
                case .started(let state):
                    let data = try JSONEncoder().encode(state)
                    if let json = JSONValue.parse(String(decoding: data, as: UTF8.self)) { try await onState(.state(json)) }
                case .partDone(let part, _):
                    // The part alone: the journal folds it into the state recorded at the start.
                    try await onState(.part(number: part.number, etag: part.etag))
                case .cleared:
                    try await onState(.state(.null))
                case .committing:
                    try await onState(.committing)
                }
            },
            progress: { total in progress(last.delta(total)) })
        return UploadOutcome(etag: result.etag, bytes: result.bytes)
    }
}

/// Turns the uploader's running total into increments for the progress output.
final class ProgressDelta: Sendable {
    private let last = Mutex<Int64>(0)

    func delta(_ total: Int64) -> Int64 {
        last.withLock { last in
            defer { last = total }
            return total - last
        }
    }
}
