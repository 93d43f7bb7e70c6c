import Foundation
import IngestCore
import IngestTestSupport
import Testing

/// Running the built `skylark-ingest` against a `SandboxStack`, for the end-to-end suites. Every wait is
/// off the cooperative pool (`ProcessRunner`) or a `Task.sleep`.
enum CLI {
    static let binary = ProcessRunner.product("skylark-ingest")

    /// Runs the CLI to completion.
    static func ingest(_ arguments: [String], _ stack: SandboxStack,
                       extraEnvironment: [String: String] = [:]) async throws -> ProcessResult {
        try await ProcessRunner.run(binary, arguments, environment: stack.environment.merging(extraEnvironment) { $1 })
    }

    /// Starts the CLI without waiting (for tests that signal it mid-run); its output is discarded.
    static func launch(_ arguments: [String], _ stack: SandboxStack, extraEnvironment: [String: String] = [:],
                       output: String? = nil) throws -> Process {
        try ProcessRunner.launch(binary, arguments, environment: stack.environment.merging(extraEnvironment) { $1 }, output: output)
    }

    /// Where a SIGKILL campaign keeps each launch's log (`-v`), when `SKYLARK_TEST_KILL_LOGS` names a
    /// directory: for diagnosing a campaign that did not converge.
    static let killLogDirectory = ProcessInfo.processInfo.environment["SKYLARK_TEST_KILL_LOGS"]

    /// `run MANIFEST --stages all --no-progress` plus `extra`.
    static func runAll(_ catalogue: Catalogue, _ extra: [String] = []) -> [String] {
        ["run", catalogue.manifestPath, "--stages", "all", "--no-progress"] + extra
    }

    /// Runs the whole catalogue, then again with `--retry-failed` while it exits non-zero, at most
    /// `attempts` runs in all; returns the last result and how many runs it took.
    static func runUntilClean(_ catalogue: Catalogue, _ stack: SandboxStack, extraEnvironment: [String: String] = [:],
                              attempts: Int = 4) async throws -> (result: ProcessResult, runs: Int) {
        var result = try await ingest(runAll(catalogue), stack, extraEnvironment: extraEnvironment)
        var runs = 1
        while result.exitCode != 0 && runs < attempts {
            result = try await ingest(runAll(catalogue, ["--retry-failed"]), stack, extraEnvironment: extraEnvironment)
            runs += 1
        }
        return (result, runs)
    }

    /// What a SIGKILL campaign did.
    struct KillOutcome {
        var kills = 0
        var launches = 0
        /// A run finished before its kill moment (nothing was left to interrupt).
        var finishedEarly = false
    }

    /// Launches the CLI with `arguments` and SIGKILLs it at a moment drawn from `seed` (uniform in
    /// `window`), `kills` times (at most `2 × kills` launches); stops early when a run finishes by itself.
    static func sigkillAtRandomMoments(kills: Int, seed: UInt64, window: ClosedRange<Duration>, arguments: [String],
                                       _ stack: SandboxStack, extraEnvironment: [String: String] = [:]) async throws -> KillOutcome {
        var rng = SplitMix64(seed: seed)
        var outcome = KillOutcome()
        let low = window.lowerBound, span = window.upperBound - window.lowerBound
        let spanMs = max(1, Int(span.components.seconds * 1000 + span.components.attoseconds / 1_000_000_000_000_000))
        while outcome.kills < kills && outcome.launches < 2 * kills && !outcome.finishedEarly {
            let logPath = killLogDirectory.map { "\($0)/launch-\(outcome.launches + 1).log" }
            let process = try launch(arguments + (logPath == nil ? [] : ["-v"]), stack, extraEnvironment: extraEnvironment,
                                     output: logPath)
            outcome.launches += 1
            let delay = low + .milliseconds(Int(rng.next() % UInt64(spanMs)))
            if await ProcessRunner.waitForExit(process, timeout: delay) {
                outcome.finishedEarly = true
            } else {
                kill(process.processIdentifier, SIGKILL)
                outcome.kills += 1
            }
            await ProcessRunner.waitForExit(process)
        }
        return outcome
    }
}

/// Checks the exact end state and records every difference (the first 20) as one issue.
func expectExactEndState(_ stack: SandboxStack, _ catalogue: Catalogue, _ context: String,
                         sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
    let problems = try await EndStateVerifier(stack: stack, catalogue: catalogue).differences()
    #expect(problems.isEmpty, "\(context): \(problems.count) differences:\n\(problems.prefix(20).joined(separator: "\n"))",
            sourceLocation: sourceLocation)
}
