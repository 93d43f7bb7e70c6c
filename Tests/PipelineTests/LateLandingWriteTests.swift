import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
@testable import Pipeline
import S3
import Testing

/// A write whose answer was lost can still land: a store that had the whole request commits it after the
/// connection is gone (SeaweedFS did, ~1 s after the client was SIGKILLed), and the watchfolder moves it within
/// milliseconds. A read-back before that misses it and the write goes out twice (a video processed twice, a
/// second text track). So a write is read back only once it has settled (`RetryPolicy.settle`): in the run
/// that lost the answer, and in the next run for the intents an earlier run left open.
@Suite struct LateLandingWriteTests {
    /// The late write lands this long after it was lost (by the clock: the fakes commit it before any call made
    /// after that instant); the settle is 10× longer.
    static let landing: Duration = .milliseconds(300)
    static let settle: Duration = .seconds(3)

    @Test func aVideoUploadOfADeadRunThatLandsAfterTheNextRunStartedIsFoundAndNotSentAgain() async throws {
        let fixture = try Fixture(advanced: 0, simple: 1)
        defer { fixture.directory.remove() }
        await fixture.processUploads()
        let asset = fixture.assets[0]
        _ = try await fixture.run(stages: [.validate])
        // The dead run recorded its intent and sent the PUT; the store commits it after the next run started.
        try await fixture.recordOpenIntent(asset.id, .transfer, op: "upload")
        let store = fixture.store
        let landsAt = ContinuousClock.now + Self.landing
        try await store.land(path: asset.videoPath, key: asset.effectiveKey, metadata: [:], at: landsAt)
        let (result, state) = try await fixture.run(stages: [.transfer], settle: Self.settle)
        try await Task.sleep(until: landsAt)
        await store.applyDueLandings()
        #expect(result.count(.succeeded) == 1, "\(result.errors)")
        #expect(await store.uploads[asset.effectiveKey] == 1, "the video went out again while the dead run's PUT could still land")
        #expect(state.item(asset.id).etag != nil)
    }

    @Test func aVideoUploadWhoseAnswerWasLostIsReadBackOnlyAfterItSettled() async throws {
        let fixture = try Fixture(advanced: 0, simple: 1)
        defer { fixture.directory.remove() }
        await fixture.processUploads()
        let asset = fixture.assets[0]
        await fixture.store.landNextUploadLate(after: Self.landing)
        let (result, _) = try await fixture.run(stages: [.validate, .transfer], settle: Self.settle)
        try await Task.sleep(for: Self.landing)
        await fixture.store.applyDueLandings()
        #expect(result.count(.succeeded) == 1, "\(result.errors)")
        #expect(await fixture.store.uploads[asset.effectiveKey] == 1, "the upload was sent again before the lost one landed")
        #expect(await fixture.store.writeCount == 1)
    }

    @Test func aTextTrackOfADeadRunThatLandsAfterTheNextRunStartedIsAdoptedNotCreatedTwice() async throws {
        let fixture = try Fixture(advanced: 1, languages: ["en-gb"])
        defer { fixture.directory.remove() }
        let asset = fixture.assets[0]
        let (_, afterAssets) = try await fixture.run(stages: [.assets])
        let assetURL = try #require(afterAssets.item(asset.id).assetURL)
        try await fixture.recordOpenIntent(asset.id, .documents, op: "text_track:en-gb")
        let skylark = fixture.skylark
        let landsAt = ContinuousClock.now + Self.landing
        await skylark.landTextTrack(language: "en-gb", assetURL: assetURL, at: landsAt)
        let (result, _) = try await fixture.run(stages: [.documents], settle: Self.settle)
        try await Task.sleep(until: landsAt)
        await skylark.landDueTextTracks()
        #expect(result.count(.succeeded) == 1, "\(result.errors)")
        #expect(await skylark.textTracks.count == 1, "a second text track was created while the first could still land")
    }

    @Test(arguments: [ErrorCode.netConnectionReset, .netTimeout, .skylarkUnavailable])
    func theRetrierReadsBackAWriteWhoseAnswerWasLostOnlyAfterItSettled(code: ErrorCode) async throws {
        let (value, writes) = try await Self.writeThatLandsLate(failing: IngestError(code: code, message: "injected", retryable: true))
        #expect(value == "found", "\(code): the write was sent again before the first could land")
        #expect(writes == 1, "\(code)")
    }

    /// Sends a write through the retrier whose first attempt fails with `failure` but lands `landing` later (a
    /// read-back before then finds nothing); a second attempt answers "written again". Returns what the retrier
    /// returned and how many attempts were sent.
    static func writeThatLandsLate(failing failure: any Error) async throws -> (value: String, writes: Int) {
        let retrier = Retrier(attempts: 3, baseDelay: .milliseconds(1), settle: settle)
        let landsAt = Locked<ContinuousClock.Instant?>(nil)
        let writes = LockedCounter()
        let value = try await retrier.write({
            writes.increment()
            guard writes.value == 1 else { return "written again" }
            landsAt.withLock { $0 = .now + landing }
            throw failure
        }, reconcile: { (landsAt.withLock { $0 }.map { ContinuousClock.now >= $0 } ?? false) ? "found" : nil })
        return (value, writes.value)
    }

    @Test func theRetrierReadsBackAtOnceWhenTheServerAnswered() async throws {
        // A 500 is the server's own answer, given once it was done with the write: nothing is left to land.
        // A settle far longer than any stall of the test process (the suite's start can hold the pool ~30 s).
        let retrier = Retrier(attempts: 3, baseDelay: .milliseconds(1), settle: .seconds(600))
        let started = ContinuousClock.now
        let writes = LockedCounter()
        let value = try await retrier.write({
            writes.increment()
            throw IngestError(code: .skylarkServerError, message: "injected 500", retryable: true)
        }, reconcile: { "found" })
        #expect(value == "found" && writes.value == 1)
        #expect(ContinuousClock.now - started < .seconds(300), "an answered failure waited for the settle")
    }

    /// A gateway in front of S3 answers 502/504 for a backend that may still store the write, with or without
    /// an error document: the S3 error says so from its status, whatever code it reports.
    @Test(arguments: [502, 504], [false, true])
    func theRetrierReadsBackAnS3WriteAGatewayAnsweredOnlyAfterItSettled(status: Int, documented: Bool) async throws {
        let body = documented ? Array("<Error><Code>ServiceUnavailable</Code><Message>upstream</Message></Error>".utf8) : []
        let gateway = S3Error.from(HTTPResponse(status: status, body: body), operation: "PutObject watch/a.mp4")
        let (value, writes) = try await Self.writeThatLandsLate(failing: gateway)
        #expect(value == "found", "\(gateway): the write was sent again before the first could land")
        #expect(writes == 1)
    }

    /// S3 refused the upload with 412 to `If-None-Match: *`: the key already holds a stored object, so it is
    /// read back at once (it is reported as `S3_OUTCOME_UNKNOWN`, as before, but as an answer, not a lost one).
    @Test func anUploadS3RefusedBecauseTheKeyIsTakenIsReadBackWithoutWaitingTheSettle() async throws {
        let directory = try TempDirectory(prefix: "refused")
        defer { directory.remove() }
        let video = try directory.write("a.mp4", String(repeating: "v", count: 1000))
        let http = RefusingPuts()
        let client = S3Client(http: http, configuration: S3Configuration(region: "us-east-1", endpoint: "http://127.0.0.1:9"),
                              credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: Secret("s"))),
                              retry: RetryExecutor(policy: RetryPolicy(maxAttempts: 4, base: .milliseconds(1)), budget: RetryBudget()))
        let uploader = MultipartUploader(client: client)
        let request = UploadRequest(path: video, bucket: "watch", key: "a.mp4", ifNoneMatch: true)
        // Far longer than any stall of the test process (the suite's start can keep the pool and the hashing
        // queue busy for ~30 s): the bound tells "read back at once" from "waited the settle".
        let settle: Duration = .seconds(600)
        let retrier = Retrier(attempts: 3, baseDelay: .milliseconds(1), settle: settle)
        let started = ContinuousClock.now
        let value = try await retrier.write({ try await uploader.upload(request).etag }, reconcile: { "found" })
        #expect(value == "found")
        #expect(http.puts == 1, "the refused upload was sent again")
        #expect(ContinuousClock.now - started < settle / 2, "an upload S3 refused waited for the settle before its read-back")
    }
}

/// Answers every PUT with S3's 412 to `If-None-Match: *` (the key already holds an object).
private final class RefusingPuts: HTTPClient, Sendable {
    private let count = Locked(0)
    var puts: Int { count.withLock { $0 } }

    func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
        guard request.method == "PUT" else { return HTTPResponse(status: 405) }
        count.withLock { $0 += 1 }
        return HTTPResponse(status: 412, body: Array(("<Error><Code>PreconditionFailed</Code><Message>At least one of the "
            + "pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition></Error>").utf8))
    }
}

private final class LockedCounter: Sendable {
    private let count = Locked(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
