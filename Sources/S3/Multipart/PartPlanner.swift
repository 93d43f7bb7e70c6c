/// Chooses how a file is uploaded: one PUT below a threshold, else parts that fit in 10,000.
public struct PartPlanner: Sendable, Hashable {
    /// S3's limits.
    public static let maxParts = 10_000
    public static let minPartSize: Int64 = 5 * 1024 * 1024
    public static let maxPartSize: Int64 = 5 * 1024 * 1024 * 1024
    public static let maxObjectSize: Int64 = 5 * 1024 * 1024 * 1024 * 1024

    /// Files of at least this many bytes go multipart (default 16 MiB).
    public var multipartThreshold: Int64
    /// The preferred part size (default 8 MiB); raised when the file would need more than 10,000 parts.
    public var preferredPartSize: Int64

    public init(multipartThreshold: Int64 = 16 * 1024 * 1024, preferredPartSize: Int64 = 8 * 1024 * 1024) {
        self.multipartThreshold = multipartThreshold
        self.preferredPartSize = min(max(preferredPartSize, PartPlanner.minPartSize), PartPlanner.maxPartSize)
    }

    /// Whether `fileSize` bytes go up as multipart (a file exactly at the threshold is a single PUT).
    public func usesMultipart(fileSize: Int64) -> Bool { fileSize > multipartThreshold }

    /// The part size for `fileSize`: the preferred size, doubled by whole MiB until ≤ 10,000 parts.
    public func partSize(fileSize: Int64) -> Int64 {
        var size = preferredPartSize
        let mib: Int64 = 1024 * 1024
        if (fileSize + size - 1) / size > Int64(PartPlanner.maxParts) {
            // Smallest whole-MiB size that fits.
            let needed = (fileSize + Int64(PartPlanner.maxParts) - 1) / Int64(PartPlanner.maxParts)
            size = (needed + mib - 1) / mib * mib
        }
        return min(size, PartPlanner.maxPartSize)
    }

    /// The parts of a `fileSize`-byte file cut in `partSize` pieces (the last one shorter).
    public static func parts(fileSize: Int64, partSize: Int64) -> [PartRange] {
        guard fileSize > 0 else { return [PartRange(number: 1, offset: 0, length: 0)] }
        let count = Int((fileSize + partSize - 1) / partSize)
        return (0..<count).map { index in
            let offset = Int64(index) * partSize
            return PartRange(number: index + 1, offset: offset, length: min(partSize, fileSize - offset))
        }
    }
}

/// One part: its 1-based number and its byte range in the file.
public struct PartRange: Sendable, Hashable, Codable {
    public var number: Int
    public var offset: Int64
    public var length: Int64

    public init(number: Int, offset: Int64, length: Int64) {
        self.number = number
        self.offset = offset
        self.length = length
    }
}
