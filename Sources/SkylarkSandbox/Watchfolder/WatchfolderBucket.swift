/// One object of a watchfolder listing.
public struct WatchfolderObject: Sendable, Equatable {
    public var key: String
    public var etag: String
    public var size: Int64

    public init(key: String, etag: String, size: Int64) {
        self.key = key
        self.etag = etag
        self.size = size
    }
}

/// What HEAD tells the processor about an object.
public struct WatchfolderObjectInfo: Sendable, Equatable {
    public var etag: String
    public var size: Int64
    /// User metadata, names lower-case without `x-amz-meta-`.
    public var metadata: [String: String]

    public init(etag: String, size: Int64, metadata: [String: String]) {
        self.etag = etag
        self.size = size
        self.metadata = metadata
    }
}

/// The bucket operations the watchfolder processor needs: the project's S3 client in the sandbox
/// (`S3WatchfolderBucket`), anything else in tests.
public protocol WatchfolderBucket: Sendable {
    /// Every object in the bucket (all pages).
    func listObjects() async throws -> [WatchfolderObject]
    /// The object's ETag, size and user metadata; nil when it is gone.
    func headObject(key: String) async throws -> WatchfolderObjectInfo?
    /// Copies `key` to `destination` in the same bucket (metadata kept).
    func copyObject(key: String, to destination: String) async throws
    /// Deletes `key` (no error when already gone).
    func deleteObject(key: String) async throws
}
