/// A multipart upload in progress, persisted so a later process can resume it.
///
/// The file is fingerprinted by size and modification time; any change restarts the upload.
public struct UploadState: Codable, Sendable, Hashable {
    /// One part S3 acknowledged.
    public struct CompletedPart: Codable, Sendable, Hashable {
        public var number: Int
        public var etag: String
        public init(number: Int, etag: String) {
            self.number = number
            self.etag = etag
        }
    }

    public var bucket: String
    public var key: String
    public var uploadId: String
    public var partSize: Int64
    public var fileSize: Int64
    /// Modification time in seconds since 1970 (with sub-second precision when the file system has it).
    public var mtime: Double
    /// Parts completed so far, sorted by number.
    public var completedParts: [CompletedPart]

    public init(bucket: String, key: String, uploadId: String, partSize: Int64, fileSize: Int64, mtime: Double,
                completedParts: [CompletedPart] = []) {
        self.bucket = bucket
        self.key = key
        self.uploadId = uploadId
        self.partSize = partSize
        self.fileSize = fileSize
        self.mtime = mtime
        self.completedParts = completedParts
    }

    /// Records `etag` for part `number` (replacing an older record of it), keeping the list sorted. Parts
    /// mostly finish in order, so this is usually an append: recording n parts costs O(n log n), not O(n²).
    public mutating func record(part number: Int, etag: String) {
        let part = CompletedPart(number: number, etag: etag)
        guard let last = completedParts.last, last.number >= number else {
            completedParts.append(part)
            return
        }
        var low = 0, high = completedParts.count
        while low < high {
            let middle = (low + high) / 2
            if completedParts[middle].number < number { low = middle + 1 } else { high = middle }
        }
        if completedParts[low].number == number { completedParts[low] = part } else { completedParts.insert(part, at: low) }
    }

    /// Whether this state was made for the same file contents (size and mtime unchanged).
    public func matches(_ fingerprint: FileFingerprint) -> Bool {
        fileSize == fingerprint.size && abs(mtime - fingerprint.mtime) < 0.000_001
    }
}
