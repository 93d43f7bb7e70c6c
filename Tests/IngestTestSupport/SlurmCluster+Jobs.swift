import Foundation

/// One job or array task as `scontrol show job -o` prints it (no slurmdbd here: no `squeue`/`sacct` history).
public struct SlurmTask: Sendable, Hashable, CustomStringConvertible {
    /// The task's own job id (each array task has one).
    public let jobID: String
    /// The array's job id, for an array task.
    public let arrayJobID: String?
    /// The task's index in the array; nil for a plain job and for a pending record covering several tasks.
    public let arrayTaskID: Int?
    /// `ArrayTaskId` as printed (`3`, or `0-7` for tasks not yet split off a pending array).
    public let arrayTaskIDs: String?
    /// `PENDING`, `RUNNING`, `COMPLETING`, `COMPLETED`, `FAILED`, `CANCELLED`, …
    public let state: String
    public let reason: String
    /// How many times the task was requeued.
    public let restarts: Int
    /// `ExitCode=status:signal`.
    public let exitCode: String

    /// Whether the task has ended for good (not pending, running, completing or requeued).
    public var isFinished: Bool { SlurmTask.finalStates.contains(state) }

    /// The states after which a task does nothing more unless it is requeued.
    public static let finalStates: Set<String> = [
        "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE",
        "OUT_OF_MEMORY",
    ]

    /// Parses one line of `scontrol show job -o` (space-separated `Key=Value` fields); nil without a `JobId`.
    public init?(line: String) {
        var fields: [String: String] = [:]
        for token in line.split(separator: " ") {
            guard let equals = token.firstIndex(of: "=") else { continue }
            let key = String(token[..<equals])
            if fields[key] == nil { fields[key] = String(token[token.index(after: equals)...]) }
        }
        guard let jobID = fields["JobId"] else { return nil }
        self.jobID = jobID
        arrayJobID = fields["ArrayJobId"]
        arrayTaskIDs = fields["ArrayTaskId"]
        arrayTaskID = fields["ArrayTaskId"].flatMap { Int($0) }
        state = fields["JobState"] ?? "UNKNOWN"
        reason = fields["Reason"] ?? ""
        restarts = fields["Restarts"].flatMap { Int($0) } ?? 0
        exitCode = fields["ExitCode"] ?? ""
    }

    public var description: String {
        let name = arrayTaskIDs.map { "\(arrayJobID ?? jobID)_\($0)" } ?? jobID
        return "\(name) \(state)\(reason == "None" || reason.isEmpty ? "" : " (\(reason))") restarts=\(restarts) exit=\(exitCode)"
    }
}

extension SlurmCluster {
    /// Writes an executable batch script `name` into the cluster's directory and returns its path.
    public func writeBatchScript(_ name: String, _ body: String) throws -> String {
        let path = try directory.write("scripts/\(name)", body)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// Submits `script` with `sbatch --parsable` and `options`; the job inherits `environment` (plus
    /// `SLURM_CONF`). Its output is appended to `jobs/<job>_<task>.out` (`jobs/<job>.out` for a plain job; one
    /// file across requeues) unless `options` names an `--output`. Returns the job id.
    public func submit(_ script: String, options: [String] = [], environment extra: [String: String] = [:]) async throws -> String {
        var arguments = ["--parsable", "--open-mode=append"]
        if !options.contains(where: { $0.hasPrefix("--output") || $0 == "-o" }) {
            let isArray = options.contains { $0.hasPrefix("--array") }
            arguments.append("--output=\(directory.path("jobs"))/\(isArray ? "%A_%a" : "%j").out")
        }
        let result = try await runClient("sbatch", arguments + options + [script], environment: extra)
        let id = result.stdout.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard result.exitCode == 0, !id.isEmpty else { throw SlurmError.command("sbatch \(script)", result) }
        return id
    }

    /// Submits `script` as a requeueable array of `tasks` tasks (`sbatch --array=0-<tasks-1> --requeue`).
    public func submitArray(_ script: String, tasks: Int, options: [String] = [],
                            environment extra: [String: String] = [:]) async throws -> String {
        try await submit(script, options: ["--array=0-\(tasks - 1)", "--requeue"] + options, environment: extra)
    }

    /// A job's tasks (every task of an array given the array's id), from `scontrol show job -o`.
    public func tasks(of jobID: String) async throws -> [SlurmTask] {
        let result = try await runClient("scontrol", ["show", "job", "-o", jobID])
        guard result.exitCode == 0 else { throw SlurmError.command("scontrol show job \(jobID)", result) }
        return result.stdout.split(separator: "\n").compactMap { SlurmTask(line: String($0)) }
    }

    /// Every job the controller knows.
    public func allTasks() async throws -> [SlurmTask] {
        let result = try await runClient("scontrol", ["show", "job", "-o"])
        guard result.exitCode == 0 else { throw SlurmError.command("scontrol show job", result) }
        return result.stdout.split(separator: "\n").compactMap { SlurmTask(line: String($0)) }
    }

    /// Polls `tasks(of:)` every `interval` until `condition` holds and returns those tasks; throws
    /// `SlurmError.timeout` with the last states after `timeout`.
    @discardableResult
    public func waitForTasks(of jobID: String, _ what: String, timeout: Duration, interval: Duration = .milliseconds(250),
                             until condition: @Sendable ([SlurmTask]) -> Bool) async throws -> [SlurmTask] {
        let deadline = ContinuousClock.now + timeout
        var last: [SlurmTask] = []
        while true {
            last = try await tasks(of: jobID)
            if condition(last) { return last }
            if ContinuousClock.now >= deadline { throw SlurmError.timeout(what, last) }
            try await Task.sleep(for: interval)
        }
    }

    /// Waits until all `count` tasks of a job have ended for good (a plain job counts as one task).
    @discardableResult
    public func waitUntilFinished(_ jobID: String, tasks count: Int = 1, timeout: Duration) async throws -> [SlurmTask] {
        try await waitForTasks(of: jobID, "\(count) finished task(s) of job \(jobID)", timeout: timeout) { tasks in
            tasks.count == count && tasks.allSatisfy(\.isFinished)
        }
    }

    /// Requeues one array task (`scontrol requeue JOB_TASK`): Slurm sends it SIGTERM (SIGKILL after
    /// `KillWait`), puts it back in the queue and starts it again a few seconds later with the same index.
    /// `scancel` and `kill -9` do not re-run a task; this does.
    public func requeue(_ jobID: String, task: Int) async throws {
        let result = try await runClient("scontrol", ["requeue", "\(jobID)_\(task)"])
        guard result.exitCode == 0 else { throw SlurmError.command("scontrol requeue \(jobID)_\(task)", result) }
    }

    /// Cancels a job (every task of an array), as `scancel` does: nothing re-runs it.
    public func cancel(_ jobID: String) async throws {
        let result = try await runClient("scancel", [jobID])
        guard result.exitCode == 0 else { throw SlurmError.command("scancel \(jobID)", result) }
    }

    /// What a job's task printed so far (all its runs), from the output file `submit` chose.
    public func output(of jobID: String, task: Int? = nil) -> String {
        let name = task.map { "\(jobID)_\($0)" } ?? jobID
        return (try? String(contentsOfFile: directory.path("jobs/\(name).out"), encoding: .utf8)) ?? ""
    }
}
