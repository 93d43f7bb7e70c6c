import Foundation
import IngestTestSupport
import Testing

/// Issue 10 point 11: a checkpoint on a full disk. The run stops at the first failed journal write (no new
/// work), still writes its four reports, and exits 3 with `CHECKPOINT_IO` naming the checkpoint.
@Suite(.serialized, .enabled("needs `weed` and root to mount a small tmpfs") {
    SeaweedFS.isAvailable ? await SmallDisk.canMount() : false
})
struct FullDiskEndToEndTests {
    @Test func aFullCheckpointDiskStopsTheRunWritesTheReportsAndExitsThree() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack(sandboxArguments: ["--latency-ms", "20"]))
            let catalogue = try await Catalogue.generate(assets: 40, prefix: "disk")
            teardown.remove(catalogue.directory)
            let disk = try await SmallDisk(kilobytes: 24)
            teardown.add { disk.remove() }
            let checkpoint = disk.path + "/catalogue.checkpoint"
            let reports = catalogue.directory.path("report")
            let result = try await CLI.ingest(CLI.runAll(catalogue, ["--checkpoint", checkpoint, "--report-dir", reports,
                                                                     "--concurrency", "2"]), stack)
            #expect(result.exitCode == 3, "\(result.stderr.suffix(2000))")
            #expect(result.stderr.contains("CHECKPOINT_IO") && result.stderr.contains(checkpoint), "\(result.stderr.suffix(2000))")
            for file in ["report.json", "report.csv", "junit.xml", "summary.md"] {
                #expect(FileManager.default.fileExists(atPath: "\(reports)/\(file)"), "\(file) was not written")
            }
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reports + "/report.json")))
            let counts = (json as? [String: Any])?["counts"] as? [String: Int] ?? [:]
            #expect((counts["pending"] ?? 0) > 0 && counts["failed"] == 0,
                    "the items left were failed one by one instead of left pending: \(counts)")
        }
    }
}
