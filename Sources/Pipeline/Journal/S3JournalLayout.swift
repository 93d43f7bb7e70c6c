import Foundation
import IngestCore

/// Where a checkpoint in S3 keeps its objects (docs/checkpoint-s3.md, "Layout"):
///
/// ```
/// PREFIX/shard-I-of-N/          one directory per shard (PREFIX/all/ for a run of the whole manifest)
///   lease.json                  the owner's lease, replaced with If-Match
///   seg-00000000000000000042.jsonl   journal segments, numbered 1, 2, 3, …, each PUT with If-None-Match: *
///   snap-00000000000000000040.jsonl  a snapshot: the journal compacted through segment 40
/// ```
public struct S3JournalLayout: Sendable, Hashable {
    /// The bucket.
    public var bucket: String
    /// The migration's prefix, empty or ending in `/`.
    public var prefix: String
    /// The shard's directory name (`shard-I-of-N` or `all`).
    public var shardDirectory: String

    /// The layout of `shard` (nil = the whole manifest) under `s3://bucket/prefix`.
    public init(bucket: String, prefix: String, shard: Shard?) {
        self.bucket = bucket
        self.prefix = S3JournalLayout.normalized(prefix)
        self.shardDirectory = shard.map { "shard-\($0.index)-of-\($0.count)" } ?? "all"
    }

    /// `prefix` with a single trailing slash (empty stays empty).
    static func normalized(_ prefix: String) -> String {
        let trimmed = prefix.drop { $0 == "/" }
        if trimmed.isEmpty { return "" }
        return trimmed.hasSuffix("/") ? String(trimmed) : trimmed + "/"
    }

    /// Whether `location` is an S3 checkpoint (`s3://…`).
    public static func isS3(_ location: String) -> Bool { location.lowercased().hasPrefix("s3://") }

    /// Bucket and prefix of `s3://BUCKET/PREFIX/`; a missing prefix is the bucket's root.
    public static func parse(_ url: String) throws -> (bucket: String, prefix: String) {
        guard isS3(url) else { throw invalid(url, "it does not start with s3://") }
        let rest = url.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        guard !bucket.isEmpty, bucket.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }) else {
            throw invalid(url, "no valid bucket name after s3://")
        }
        let prefix = String(rest.dropFirst(bucket.count))
        return (bucket, normalized(prefix))
    }

    private static func invalid(_ url: String, _ why: String) -> IngestError {
        IngestError(code: .usageCheckpointURL, message: "--checkpoint \(url): \(why)",
                    hint: "write it as s3://BUCKET/PREFIX/ (the bucket must exist; the prefix may be empty)")
    }

    /// The shard's directory, ending in `/`.
    public var directory: String { prefix + shardDirectory + "/" }
    /// The lease object.
    public var leaseKey: String { directory + "lease.json" }
    /// The object of segment `number`.
    public func segmentKey(_ number: UInt64) -> String { directory + "seg-" + Self.padded(number) + ".jsonl" }
    /// The object of the snapshot through segment `number`.
    public func snapshotKey(_ number: UInt64) -> String { directory + "snap-" + Self.padded(number) + ".jsonl" }
    /// Where the shard's journal is, for messages.
    public var location: String { "s3://\(bucket)/\(directory)" }

    static func padded(_ number: UInt64) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// What an object in the shard's directory is.
    public enum Object: Sendable, Hashable {
        case segment(UInt64)
        case snapshot(UInt64)
        case lease
        /// Anything else (left alone, reported as a warning).
        case foreign
    }

    /// What the object at `key` (inside `directory`) is.
    public func classify(_ key: String) -> Object {
        guard key.hasPrefix(directory) else { return .foreign }
        let name = key.dropFirst(directory.count)
        if name == "lease.json" { return .lease }
        for (stem, make) in [("seg-", Object.segment), ("snap-", Object.snapshot)] where name.hasPrefix(stem) {
            let digits = name.dropFirst(stem.count)
            guard digits.hasSuffix(".jsonl") else { return .foreign }
            let number = digits.dropLast(".jsonl".count)
            guard number.count == 20, number.allSatisfy(\.isASCIIDigit), let value = UInt64(number) else { return .foreign }
            return make(value)
        }
        return .foreign
    }

    /// The shard directories (`shard-I-of-N`, `all`) named by `keys` under `prefix`, with the shard each is for.
    public static func shardDirectories(in keys: [String], prefix: String) -> [(directory: String, shard: Shard?)] {
        let prefix = normalized(prefix)
        var seen: Set<String> = []
        var found: [(String, Shard?)] = []
        for key in keys where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            guard let slash = rest.firstIndex(of: "/") else { continue }
            let name = String(rest[..<slash])
            guard !seen.contains(name) else { continue }
            if name == "all" {
                seen.insert(name)
                found.append((name, nil))
            } else if let shard = parseShardDirectory(name) {
                seen.insert(name)
                found.append((name, shard))
            }
        }
        return found.sorted { ($0.1?.count ?? 0, $0.1?.index ?? 0) < ($1.1?.count ?? 0, $1.1?.index ?? 0) }
    }

    /// The shard of a directory named `shard-I-of-N`.
    static func parseShardDirectory(_ name: String) -> Shard? {
        guard name.hasPrefix("shard-") else { return nil }
        let parts = name.dropFirst("shard-".count).components(separatedBy: "-of-")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        return try? Shard(index: index, count: count)
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
