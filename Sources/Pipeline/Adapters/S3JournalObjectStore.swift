import IngestCore
import S3

/// `JournalObjectStore` over `S3Client`, in one bucket. Conditional PUTs are never sent without their
/// condition: a store that answers 501 (or `NotImplemented`) to one is refused with
/// `CHECKPOINT_STORE_UNSUPPORTED`, since without it two tasks on one shard could both write.
public struct S3JournalObjectStore: JournalObjectStore {
    public let client: S3Client
    public let bucket: String

    public init(client: S3Client, bucket: String) {
        self.client = client
        self.bucket = bucket
    }

    public func put(_ key: String, _ body: [UInt8], condition: JournalWriteCondition) async throws -> JournalPutResult {
        let s3Condition: S3WriteCondition
        switch condition {
        case .ifNoneMatch: s3Condition = .ifNoneMatch
        case .ifMatch(let etag): s3Condition = .ifMatch(etag)
        }
        do {
            switch try await client.putObject(bucket: bucket, key: key, bytes: body, condition: s3Condition) {
            case .stored(let etag): return .stored(etag: etag)
            case .preconditionFailed: return .preconditionFailed
            }
        } catch let error as S3Error where error.status == 501 || error.code == "NotImplemented" {
            throw S3JournalObjectStore.unsupported(bucket: bucket, condition: condition, detail: error.description)
        }
    }

    public func get(_ key: String) async throws -> JournalObject? {
        try await client.getObjectIfPresent(bucket: bucket, key: key).map { JournalObject(body: $0.body, etag: $0.etag) }
    }

    public func list(prefix: String) async throws -> [String] {
        try await client.listAllObjects(bucket: bucket, prefix: prefix).map(\.key)
    }

    public func delete(_ key: String) async throws {
        try await client.deleteObject(bucket: bucket, key: key)
    }

    /// The refusal of a store without conditional writes.
    static func unsupported(bucket: String, condition: JournalWriteCondition, detail: String) -> IngestError {
        let header: String
        switch condition {
        case .ifNoneMatch: header = "If-None-Match"
        case .ifMatch: header = "If-Match"
        }
        return IngestError(code: .checkpointStoreUnsupported,
                           message: "the object store of s3://\(bucket) does not honour \(header) on PUT (\(detail))",
                           hint: "keep the checkpoint in a store that honours conditional writes (AWS S3 does), "
                               + "or use a local --checkpoint FILE")
    }
}
