import Foundation

/// One file to upload.
public struct UploadRequest: Sendable, Hashable {
    public var path: String
    public var bucket: String
    public var key: String
    /// User metadata (`asset` → `{"uid": "…"}`), sent as `x-amz-meta-*`.
    public var metadata: [String: String]
    public var contentType: String?
    /// Refuse to replace an object already at `key` (`If-None-Match: *` on PutObject and
    /// CompleteMultipartUpload): a watchfolder must not see a second copy, nor lose another upload.
    public var ifNoneMatch: Bool

    public init(path: String, bucket: String, key: String, metadata: [String: String] = [:], contentType: String? = nil,
                ifNoneMatch: Bool = false) {
        self.path = path
        self.bucket = bucket
        self.key = key
        self.metadata = metadata
        self.contentType = contentType
        self.ifNoneMatch = ifNoneMatch
    }
}

/// What an upload did.
public struct UploadResult: Sendable, Hashable {
    public var bucket: String
    public var key: String
    public var bytes: Int64
    /// The object's ETag (no quotes), equal to the one computed locally.
    public var etag: String
    /// Parts of the object (0 for a single PUT).
    public var partCount: Int
    /// Parts (or PUTs) sent by this call — fewer than `partCount` after a resume.
    public var partsSent: Int
    /// Whether an earlier upload was resumed.
    public var resumed: Bool
}
