import Foundation
import IngestCore
import IngestTestSupport
import Pipeline
import Testing

/// Issue 12: finding a manifest's shard checkpoints on disk (`LocalShardJournals`), read only.
@Suite struct LocalShardJournalsTests {
    func write(_ path: String, shard: String?, items: [String] = []) throws {
        var bytes = JournalCodec.encode(.header(JournalHeader(toolVersion: "t", manifestPath: "m.yaml", manifestSHA256: "",
                                                              createdAt: "2025-01-01T00:00:00.000Z", shard: shard)))
        for (offset, id) in items.enumerated() {
            bytes += JournalCodec.encode(.entry(JournalEntry(seq: UInt64(offset + 1), item: id, stage: .transfer, event: .done,
                                                             at: "2025-01-02T00:00:00.000Z")))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func theShardCheckpointsBesideAManifestAreFoundInShardOrderAndNothingElse() async throws {
        let dir = try TempDirectory(prefix: "shards")
        defer { dir.remove() }
        let manifest = dir.path("m.yaml")
        try write(manifest + ".shard-2-of-3.checkpoint", shard: "2/3", items: ["a"])
        try write(manifest + ".shard-10-of-12.checkpoint", shard: "10/12")
        try write(manifest + ".shard-1-of-3.checkpoint", shard: "1/3")
        for other in ["m.yaml.shard-1-of-3.checkpoint.lock", "m.yaml.checkpoint", "other.yaml.shard-3-of-3.checkpoint",
                      "m.yaml.old.shard-3-of-3.checkpoint", "m.yaml.shard-4-of-3.checkpoint"] {
            #expect(FileManager.default.createFile(atPath: dir.path(other), contents: Data()))
        }
        let source = LocalShardJournals.beside(manifest: manifest)
        let journals = try await source.load()
        #expect(journals.map(\.location) == ["1-of-3", "2-of-3", "10-of-12"].map { manifest + ".shard-\($0).checkpoint" })
        #expect(journals.map(\.shard) == ["1/3", "2/3", "10/12"])
        #expect(journals[1].replay.state.item("a").transfer.status == .done)
        #expect(journals[1].replay.state.lastActivity == "2025-01-02T00:00:00.000Z")
        #expect(source.description == manifest + ".shard-*-of-*.checkpoint")
        #expect(FileManager.default.fileExists(atPath: manifest + ".shard-2-of-3.checkpoint.lock") == false, "nothing is locked")
    }

    @Test func aDirectoryGivenHoldsTheManifestsShardCheckpointsOrElseEveryCheckpoint() async throws {
        let dir = try TempDirectory(prefix: "shards")
        defer { dir.remove() }
        try write(dir.path("shard-1-of-2.checkpoint"), shard: "1/2")
        #expect(FileManager.default.createFile(atPath: dir.path("shard-2-of-2.checkpoint"), contents: Data()))
        #expect(FileManager.default.createFile(atPath: dir.path("notes.txt"), contents: Data()))
        let journals = try await LocalShardJournals.inDirectory(dir.url.path + "/", manifest: "/else/m.yaml").load()
        #expect(journals.map(\.location) == [dir.path("shard-1-of-2.checkpoint"), dir.path("shard-2-of-2.checkpoint")])
        #expect(journals.map(\.shard) == ["1/2", "2/2"], "a file without a header is taken at its name's word")

        try write(dir.path("m.yaml.shard-1-of-1.checkpoint"), shard: "1/1")
        let own = try await LocalShardJournals.inDirectory(dir.url.path, manifest: "/else/m.yaml").load()
        #expect(own.map(\.location) == [dir.path("m.yaml.shard-1-of-1.checkpoint")])
    }
}
