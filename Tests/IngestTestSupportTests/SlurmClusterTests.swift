import Foundation
import IngestTestSupport
import Testing

/// The Slurm harness itself: a one-node cluster starts on loopback, runs an array, re-runs a requeued task
/// with the same index, and `stop()` leaves no daemon and no job process behind.
@Suite(.serialized, .enabled("needs root and slurm-wlm + munge (apt-get install slurm-wlm munge)") {
    await SlurmCluster.installIfMissing()
})
struct SlurmClusterTests {
    /// A task that records its start, then waits for `$FLAG` (at most ~60 s) and records its end.
    static let script = """
    #!/bin/bash
    echo "start task=$SLURM_ARRAY_TASK_ID count=$SLURM_ARRAY_TASK_COUNT restart=${SLURM_RESTART_COUNT:-0} pid=$$" >> "$EVENTS"
    i=0; while [ ! -e "$FLAG" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
    echo "end task=$SLURM_ARRAY_TASK_ID restart=${SLURM_RESTART_COUNT:-0}" >> "$EVENTS"

    """

    @Test func anArrayRunsEveryTaskAndARequeuedTaskRunsAgainWithItsIndex() async throws {
        try await withTeardown { teardown in
            let started = ContinuousClock.now
            let cluster = try await teardown.stop(SlurmCluster())
            // `SlurmCluster()` returns once the node is up (the event); how long that took is printed, not
            // bounded: under a loaded suite it took 33 s where it takes about a second alone.
            print("the Slurm cluster started in \(ContinuousClock.now - started)")
            let events = cluster.directory.path("events.log"), flag = cluster.directory.path("flag")
            let script = try cluster.writeBatchScript("wait.sh", Self.script)
            let job = try await cluster.submitArray(script, tasks: 4, environment: ["EVENTS": events, "FLAG": flag])

            try await cluster.waitForTasks(of: job, "4 running tasks", timeout: .seconds(60)) { tasks in
                tasks.count == 4 && tasks.allSatisfy { $0.state == "RUNNING" }
            }
            try await cluster.requeue(job, task: 2)
            // The event is the second run's own start line (polling for a RUNNING state can miss it on a busy day).
            let restartedLine = { @Sendable () -> Bool in
                ((try? String(contentsOfFile: events, encoding: .utf8)) ?? "").split(separator: "\n")
                    .contains { $0.hasPrefix("start task=2 ") && $0.contains("restart=1") }
            }
            #expect(try await eventually(timeout: .seconds(300), interval: .milliseconds(250)) { restartedLine() },
                    "task 2 did not start again after its requeue")
            let rerun = try await cluster.waitForTasks(of: job, "task 2 requeued once", timeout: .seconds(60)) { tasks in
                tasks.contains { $0.arrayTaskID == 2 && $0.restarts == 1 }
            }
            #expect(rerun.filter { $0.arrayTaskID != 2 }.allSatisfy { $0.restarts == 0 })
            try FileManager.default.createDirectory(atPath: flag, withIntermediateDirectories: false)
            let finished = try await cluster.waitUntilFinished(job, tasks: 4, timeout: .seconds(60))
            #expect(finished.allSatisfy { $0.state == "COMPLETED" && $0.exitCode == "0:0" }, "\(finished)")

            let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n").map(String.init)
            for task in 0..<4 {
                let starts = lines.filter { $0.hasPrefix("start task=\(task) ") }
                #expect(starts.count == (task == 2 ? 2 : 1), "task \(task): \(lines)")
                #expect(starts.allSatisfy { $0.contains("count=4") }, "\(starts)")
            }
            #expect(lines.contains { $0.hasPrefix("start task=2 ") && $0.contains("restart=1") }, "\(lines)")
            // The first run of task 2 was stopped by the requeue: it never reached its end.
            #expect(lines.filter { $0.hasPrefix("end task=2 ") } == ["end task=2 restart=1"], "\(lines)")
        }
    }

    @Test func stopCancelsRunningJobsAndStopsEveryDaemonByPid() async throws {
        let cluster = try await SlurmCluster()
        let events = cluster.directory.path("events.log")
        let script = try cluster.writeBatchScript("wait.sh", Self.script)
        let job = try await cluster.submitArray(script, tasks: 2, environment: ["EVENTS": events, "FLAG": "/nonexistent/flag"])
        try await cluster.waitForTasks(of: job, "2 running tasks", timeout: .seconds(60)) { tasks in
            tasks.count == 2 && tasks.allSatisfy { $0.state == "RUNNING" }
        }
        // RUNNING in Slurm comes a moment before each batch script has written its line.
        let pids = { @Sendable () -> [Int32] in
            ((try? String(contentsOfFile: events, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { $0.split(separator: " ").first { $0.hasPrefix("pid=") }.flatMap { Int32($0.dropFirst(4)) } }
        }
        #expect(try await eventually(timeout: .seconds(60)) { pids().count == 2 })
        let jobPids = pids()
        #expect(jobPids.count == 2)
        let daemons = [cluster.munged.pid, cluster.controller.pid, cluster.node.pid]
        let directory = cluster.directory.url.path

        await cluster.stop()
        for pid in daemons + jobPids {
            #expect(kill(pid, 0) != 0, "process \(pid) still running after stop()")
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
