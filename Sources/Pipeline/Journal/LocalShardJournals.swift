import Foundation
import IngestCore

/// The shard checkpoints of a manifest in a local directory, read only (no lock, nothing repaired):
/// beside the manifest, `MANIFEST.shard-I-of-N.checkpoint` (the default of `run --shard`); in a directory
/// given to `--checkpoint`, those of the manifest when there are any, otherwise every `*.checkpoint`.
public struct LocalShardJournals: ShardJournalSource {
    /// The directory searched.
    public let directory: String
    /// Where the files are named from: the manifest's path (beside it) or the directory (given).
    private let pathPrefix: String
    /// The manifest's file name (`catalogue.yaml`).
    private let manifestName: String
    /// Whether any `*.checkpoint` counts when none is named after the manifest (a directory given).
    private let anyCheckpoint: Bool

    /// The shard checkpoints beside `manifest`.
    public static func beside(manifest: String) -> LocalShardJournals {
        let url = URL(fileURLWithPath: manifest)
        let directory = manifest.contains("/") ? url.deletingLastPathComponent().path : "."
        return LocalShardJournals(directory: directory, pathPrefix: manifest, manifestName: url.lastPathComponent,
                                  anyCheckpoint: false)
    }

    /// The shard checkpoints of `manifest` in `directory` (or every checkpoint there when none is named after it).
    public static func inDirectory(_ directory: String, manifest: String) -> LocalShardJournals {
        let trimmed = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        return LocalShardJournals(directory: trimmed, pathPrefix: trimmed + "/",
                                  manifestName: URL(fileURLWithPath: manifest).lastPathComponent, anyCheckpoint: true)
    }

    private init(directory: String, pathPrefix: String, manifestName: String, anyCheckpoint: Bool) {
        self.directory = directory
        self.pathPrefix = pathPrefix
        self.manifestName = manifestName
        self.anyCheckpoint = anyCheckpoint
    }

    /// How the files read are named, for messages and the report's `checkpoint`
    /// (`catalogue.yaml.shard-*-of-*.checkpoint`, or the directory).
    public var description: String {
        anyCheckpoint ? pathPrefix : pathPrefix + ".shard-*-of-*.checkpoint"
    }

    /// The paths of the checkpoints found (blocking: lists the directory).
    public func paths() throws -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw IngestError(code: .checkpointIO, message: "cannot list \(directory)", hint: "check that it exists and can be read")
        }
        let manifestPrefix = manifestName + "."
        let own = names.filter {
            $0.hasPrefix(manifestPrefix + "shard-") && Self.shard(inName: String($0.dropFirst(manifestPrefix.count))) != nil
        }
        if !anyCheckpoint {
            return own.sorted().map { pathPrefix + $0.dropFirst(manifestName.count) }
        }
        let chosen = own.isEmpty ? names.filter { $0.hasSuffix(".checkpoint") && !$0.hasPrefix(".") } : own
        return chosen.sorted().map { pathPrefix + $0 }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    /// Every checkpoint found, replayed, by shard (count, then index), then path. The shard is the one
    /// recorded in the header; a file without a header (nothing recorded) is taken at its name's word.
    public func load() async throws -> [ShardJournal] {
        let result: Result<[ShardJournal], any Error> = await DedicatedThread.run(name: "shard-journals") { [self] in
            Result {
                try paths().map { path in
                    let replay = try JournalFile.read(path: path)
                    let name = URL(fileURLWithPath: path).lastPathComponent
                    let shard = replay.state.header.map(\.shard) ?? Self.shard(inName: name)
                    return ShardJournal(shard: shard, location: path, replay: replay)
                }
            }
        }
        return try result.get().sorted { a, b in
            let left = Self.order(a.shard), right = Self.order(b.shard)
            return left != right ? left.lexicographicallyPrecedes(right) : a.location < b.location
        }
    }

    /// `I/N` from a file name ending in `shard-I-of-N.checkpoint`, or nil.
    static func shard(inName name: String) -> String? {
        guard name.hasSuffix(".checkpoint"), let range = name.range(of: "shard-", options: .backwards),
              range.lowerBound == name.startIndex || name[name.index(before: range.lowerBound)] == "." else { return nil }
        let body = name[range.upperBound...].dropLast(".checkpoint".count)
        let parts = body.components(separatedBy: "-of-")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              let shard = try? Shard(index: index, count: count) else { return nil }
        return shard.description
    }

    /// Sort key: whole-manifest journals first, then by count and index.
    private static func order(_ shard: String?) -> [Int] {
        guard let shard, let parsed = try? Shard(parsing: shard) else { return [0, 0] }
        return [parsed.count, parsed.index]
    }
}
