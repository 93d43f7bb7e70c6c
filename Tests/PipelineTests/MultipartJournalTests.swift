import IngestTestSupport
import Foundation
import HTTPEngine
import IngestCore
@testable import Pipeline
import S3
import Testing

/// Issue 13, first point: a video's multipart upload is journaled as its creation and then one small
/// record per finished part, not the whole part list again after every part.
///
/// The real transfer stage, watchfolder store and multipart uploader run against `FakeMultipartS3`.
/// A 2 GiB master at the default 8 MiB part size has 256 parts; the journal records a part's number and
/// ETag whatever its size, so the video here is 256 parts of 4 KiB (below S3's 5 MiB minimum, which the
/// fake does not enforce).
@Suite(.offThePool) struct MultipartJournalTests {
    static let partCount = 256
    static let partSize = 4096
    static let item = "item-0"
    static let key = "master.mxf"

    /// One advanced item whose assets and documents stages are done, its video a 256-part master.
    static func fixture(parts partCount: Int = partCount) async throws -> Fixture {
        var fixture = try Fixture(advanced: 1)
        let video = fixture.directory.path("media/master.mxf")
        // Every part different, so every part has an ETag of its own.
        var bytes = [UInt8](repeating: 0, count: partCount * partSize)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: (index / partSize) &* 7 &+ index) }
        try Data(bytes).write(to: URL(fileURLWithPath: video))
        fixture.assets[0].videoPath = video
        fixture.assets[0].key = key
        _ = try await fixture.run(stages: [.assets, .documents])
        return fixture
    }

    /// The watchfolder store over `s3`, cutting the video in 4 KiB parts sent one at a time (so a crash
    /// before part k+1 leaves exactly parts 1...k sent).
    static func store(_ s3: FakeMultipartS3) -> WatchfolderStore {
        let client = S3Client(
            http: s3, configuration: S3Configuration(region: "eu-west-1", endpoint: "http://127.0.0.1:9"),
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: Secret("sk"))),
            retry: RetryExecutor(policy: RetryPolicy(maxAttempts: 2, base: .milliseconds(1), cap: .milliseconds(2)),
                                 budget: RetryBudget()))
        var planner = PartPlanner(multipartThreshold: Int64(partSize))
        planner.preferredPartSize = Int64(partSize)
        return WatchfolderStore(bucket: "watch", client: client,
                                uploader: MultipartUploader(client: client, planner: planner, partConcurrency: 1))
    }

    /// Runs the transfer stage as a new process would: opens the journal, runs the item, closes the journal.
    static func transfer(_ fixture: Fixture, _ s3: FakeMultipartS3,
                         beforeRun: (JournalFile) -> Void = { _ in }) async throws -> RunResult {
        let opened = try JournalFile.open(path: fixture.journalPath, header: Fixture.header)
        beforeRun(opened.journal)
        let checkpoint = Checkpoint(journal: opened.journal, state: opened.state)
        let context = StageContext(checkpoint: checkpoint, skylark: fixture.skylark, store: store(s3),
                                   retry: Retrier(attempts: 2, baseDelay: .milliseconds(1)))
        do {
            let result = try await Runner(items: fixture.assets, context: context,
                                          options: RunOptions(stages: [.transfer], concurrency: 1, transferSlots: 1)).run()
            try await opened.journal.close()
            return result
        } catch {
            opened.journal.abandon()
            throw error
        }
    }

    /// Runs the transfer and kills the process as part `k + 1` is about to be sent: the records of parts
    /// 1...k reached the disk (their group commit ran), nothing after them did.
    static func transferKilled(afterPart k: Int, _ fixture: Fixture, _ s3: FakeMultipartS3) async {
        _ = try? await transfer(fixture, s3) { journal in
            s3.crash(beforePart: k + 1) {
                try? await journal.sync()
                journal.abandon()
            }
        }
    }

    static func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
    }

    /// Issue 13's acceptance: the journal grows linearly with a video's parts, up to S3's 10,000: the bytes
    /// each part adds are the same (within 10 %) from 100 to 1,000 parts as from 1,000 to 10,000.
    @Test func theCheckpointGrowsLinearlyUpToTenThousandParts() async throws {
        var sizes: [Int: Int] = [:]
        for parts in [100, 1_000, 10_000] {
            let fixture = try await Self.fixture(parts: parts)
            defer { fixture.directory.remove() }
            let result = try await Self.transfer(fixture, FakeMultipartS3())
            #expect(result.count(.succeeded) == 1, "\(parts) parts: \(result.errors)")
            sizes[parts] = try Self.fileSize(fixture.journalPath)
        }
        let small = Double(sizes[1_000]! - sizes[100]!) / 900
        let large = Double(sizes[10_000]! - sizes[1_000]!) / 9_000
        print("journal bytes per part: \(small) (100→1,000 parts), \(large) (1,000→10,000 parts); sizes \(sizes)")
        #expect(abs(large - small) / small < 0.10, "bytes per part \(small) then \(large): not linear")
        #expect(large < 400, "each part costs \(large) bytes of journal")
    }

    @Test func aMasterOf256PartsLeavesACheckpointOfAtMost64KiB() async throws {
        let fixture = try await Self.fixture()
        defer { fixture.directory.remove() }
        let s3 = FakeMultipartS3()
        let result = try await Self.transfer(fixture, s3)
        #expect(result.count(.succeeded) == 1, "\(result.errors)")
        #expect(s3.partsSent.count == Self.partCount)
        let object = try #require(s3.objects[Self.key])
        #expect(object.etag.hasSuffix("-\(Self.partCount)"))

        let size = try Self.fileSize(fixture.journalPath)
        print("checkpoint after one item with a \(Self.partCount)-part upload: \(size) bytes")
        #expect(size <= 64 * 1024, "the checkpoint holds \(size) bytes")
        let item = try JournalFile.read(path: fixture.journalPath).state.item(Self.item)
        #expect(item.transfer.status == .done)
        #expect(item.etag == object.etag)
        #expect(item.uploadState == nil)
    }

    @Test func aJournalKilledAfterPartKReplaysExactlyThosePartsAndTheResumeSendsOnlyTheOthers() async throws {
        let k = 100
        let fixture = try await Self.fixture()
        defer { fixture.directory.remove() }
        let s3 = FakeMultipartS3()
        await Self.transferKilled(afterPart: k, fixture, s3)
        #expect(s3.partsSent == Array(1...k))

        let replayed = try JournalFile.read(path: fixture.journalPath).state.item(Self.item)
        // No visible write was sent (parts are invisible until Complete): no intent, so no settle on resume.
        #expect(replayed.transfer.openIntents.isEmpty)
        let state = try #require(WatchfolderStore.uploadState(replayed.uploadState))
        let held = s3.parts(of: state.uploadId)
        #expect(state.completedParts.map(\.number) == Array(1...k))
        #expect(state.completedParts.allSatisfy { held[$0.number]?.etag == $0.etag })
        #expect(state.bucket == "watch" && state.key == Self.key)
        #expect(state.partSize == Int64(Self.partSize))
        #expect(state.fileSize == Int64(Self.partCount * Self.partSize))
        #expect(state.mtime == (try FileFingerprint.of(fixture.assets[0].videoPath)).mtime)

        s3.revive()
        let result = try await Self.transfer(fixture, s3)
        #expect(result.count(.succeeded) == 1, "\(result.errors)")
        #expect(s3.partsSent == Array((k + 1)...Self.partCount), "the resume sent parts S3 already held")
        #expect(s3.createCount == 1, "the resume started a new upload")
        let object = try #require(s3.objects[Self.key])
        let local = try await LocalETags.of(path: fixture.assets[0].videoPath, size: object.size,
                                            partSizes: [Int64(Self.partSize)])
        #expect(local.contains(object.etag))
        #expect(try JournalFile.read(path: fixture.journalPath).state.item(Self.item).etag == object.etag)
    }

    @Test func compactionFoldsThePartsIntoTheItemSummaryAndReplaysToTheSameState() async throws {
        let k = 100
        let fixture = try await Self.fixture()
        defer { fixture.directory.remove() }
        let s3 = FakeMultipartS3()
        await Self.transferKilled(afterPart: k, fixture, s3)
        let before = try JournalFile.read(path: fixture.journalPath).state.item(Self.item)

        let opened = try JournalFile.open(path: fixture.journalPath, header: Fixture.header)
        try await opened.journal.compact(opened.state)
        try await opened.journal.close()
        let text = try String(contentsOfFile: fixture.journalPath, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 2, "the header and one item summary")
        #expect(!text.contains("upload_part"))

        let after = try JournalFile.read(path: fixture.journalPath).state.item(Self.item)
        #expect(after == before)
        let folded = try #require(WatchfolderStore.uploadState(after.uploadState))
        #expect(folded.completedParts.map(\.number) == Array(1...k))
        #expect(folded == WatchfolderStore.uploadState(before.uploadState))

        s3.revive()
        let result = try await Self.transfer(fixture, s3)
        #expect(result.count(.succeeded) == 1, "\(result.errors)")
        #expect(s3.partsSent == Array((k + 1)...Self.partCount))
        #expect(s3.createCount == 1)
    }

    /// What the uploader reported, in order: `started N` (the whole state, N parts), `part N`, `committing`, `cleared`.
    actor ChangeLog {
        private(set) var changes: [String] = []
        /// The whole state as of the last report.
        private(set) var state: UploadState?

        func add(_ change: MultipartUploader.StateChange) {
            switch change {
            case .started(let state):
                changes.append("started \(state.completedParts.count)")
                self.state = state
            case .partDone(let part, let state):
                changes.append("part \(part.number)")
                self.state = state
            case .cleared:
                changes.append("cleared")
                state = nil
            case .committing:
                changes.append("committing")
            }
        }

        func reset() { changes = [] }
    }

    @Test func theUploaderReportsTheWholeStateOnlyWhenAnUploadStartsOrListPartsChangedItThenEachPart() async throws {
        let fixture = try Fixture(advanced: 0)
        defer { fixture.directory.remove() }
        let video = try fixture.directory.write("media/master.mxf", String(repeating: "0123456789abcdef", count: 64 * 16))
        let s3 = FakeMultipartS3()
        let uploader = Self.store(s3).uploader
        let request = UploadRequest(path: video, bucket: "watch", key: Self.key)
        let log = ChangeLog()
        let parts = 16 * 1024 / Self.partSize

        s3.crash(beforePart: 3) {}
        _ = try? await uploader.upload(request, resume: nil, onChange: { await log.add($0) })
        #expect(await log.changes == ["started 0", "part 1", "part 2"])

        // The journal lost the record of part 2 (not durable); ListParts finds it: the whole state once.
        var lost = try #require(await log.state)
        lost.completedParts.removeLast()
        s3.revive()
        await log.reset()
        s3.crash(beforePart: 4) {}
        _ = try? await uploader.upload(request, resume: lost, onChange: { await log.add($0) })
        #expect(await log.changes == ["started 2", "part 3"])
        #expect(s3.partsSent == [3])

        // Resumed from exactly what S3 holds: only the parts sent are reported.
        let resume = try #require(await log.state)
        s3.revive()
        await log.reset()
        let result = try await uploader.upload(request, resume: resume, onChange: { await log.add($0) })
        #expect(await log.changes == ["part 4", "committing", "cleared"])
        #expect(result.resumed && result.partCount == parts && result.partsSent == 1)
        #expect(s3.createCount == 1)
    }
}
