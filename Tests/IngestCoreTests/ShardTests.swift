import IngestCore
import IngestTestSupport
import Testing

/// Issue 12: an item's shard depends on its id alone, shards partition and balance the items, and
/// `--shard auto` reads the job engine's task index.
@Suite(.offThePool) struct ShardTests {
    static func ids(_ count: Int, prefix: String = "item") -> [String] { (0..<count).map { "\(prefix)-\($0)" } }

    @Test func everyItemBelongsToExactlyOneShard() throws {
        let shards = try (1...5).map { try Shard(index: $0, count: 5) }
        for id in Self.ids(2_000) { #expect(shards.filter { $0.contains(id: id) }.count == 1) }
    }

    @Test func reorderingAppendingAndDeletingItemsMovesNoOtherItem() {
        let original = Self.ids(1_000)
        let before = Dictionary(uniqueKeysWithValues: original.map { ($0, Shard.slot(of: $0, count: 8)) })
        // The edited manifest: reversed, half the items deleted, new ones appended.
        let edited = original.reversed().enumerated().filter { $0.offset % 2 == 0 }.map(\.element) + Self.ids(300, prefix: "new")
        for id in edited where before[id] != nil {
            #expect(Shard.slot(of: id, count: 8) == before[id], "\(id) moved to another shard")
        }
    }

    @Test func theAssignmentIsFixedForeverSinceCheckpointsDependOnIt() {
        // Golden values (computed independently in Python: FNV-1a 64, SplitMix64 finaliser, mod 16).
        // Changing the hash would silently move items between existing checkpoints.
        let golden = ["abc-123", "cat-00000", "cat-00001", "cat-00002", "x"].map { Shard.slot(of: $0, count: 16) }
        #expect(golden == [11, 13, 2, 4, 14], "the shard hash changed: \(golden)")
        #expect(Shard.slot(of: "", count: 1) == 0)
    }

    @Test(arguments: [4, 8, 64])
    func sequentialIdsSpreadEvenlyOverTheShards(count: Int) {
        var sizes = [Int](repeating: 0, count: count)
        let total = 100_000
        for id in Self.ids(total, prefix: "cat") { sizes[Shard.slot(of: id, count: count)] += 1 }
        let mean = Double(total) / Double(count)
        let worst = sizes.map { abs(Double($0) - mean) / mean }.max() ?? 1
        // As even as random placement: every shard within four standard deviations (√mean) of the mean.
        let bound = 4 / mean.squareRoot()
        #expect(worst < bound, "shard sizes \(sizes.min()!)…\(sizes.max()!) around \(mean), worst \(worst) > \(bound)")
    }

    @Test func slurmArrayTasksMapToShardsFromTheirMinimumAndStep() throws {
        let env = ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": "4"]
        #expect(try Shard.auto(environment: env) == Shard(index: 3, count: 4))
        let stepped = ["SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2",
                       "SLURM_ARRAY_TASK_COUNT": "8"]
        #expect(try Shard.auto(environment: stepped) == Shard(index: 4, count: 8))
    }

    @Test func kubernetesAndBatchIndexesNeedTheShardCount() throws {
        #expect(try Shard.auto(environment: ["JOB_COMPLETION_INDEX": "0", "SKYLARK_SHARD_COUNT": "3"]) == Shard(index: 1, count: 3))
        #expect(try Shard.auto(environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "2", "SKYLARK_SHARD_COUNT": "3"]) == Shard(index: 3, count: 3))
        #expect(throws: IngestError.self) { _ = try Shard.auto(environment: ["JOB_COMPLETION_INDEX": "0"]) }
        #expect(throws: IngestError.self) { _ = try Shard.auto(environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "3", "SKYLARK_SHARD_COUNT": "3"]) }
    }

    @Test func noJobEngineIsAUsageErrorNamingTheVariables() {
        do {
            _ = try Shard.auto(environment: [:])
            Issue.record("expected a usage error")
        } catch let error as IngestError {
            #expect(error.code == .usageShardAuto)
            #expect(error.hint?.contains("SLURM_ARRAY_TASK_ID") == true && error.hint?.contains("JOB_COMPLETION_INDEX") == true)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func parsingRefusesShardsThatDoNotExist() {
        for text in ["0/3", "4/3", "1/0", "a/b", "1/", "/3", "2"] {
            #expect(throws: IngestError.self, "\(text)") { _ = try Shard(parsing: text) }
        }
    }
}
