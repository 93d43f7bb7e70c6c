import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// An item's video is uploaded only after its subtitles are attached (the order Skylark documents: the
/// watchfolder's processing of the video may read the asset's text tracks), and every effect happens once.
@Suite struct VideoAfterSubtitlesTests {
    /// Delegates to the fake Skylark; each subtitle file upload gives the item's video time to arrive (were it
    /// uploading beside the documents, it would) and notes whether it is in the bucket.
    private struct WaitingForVideo: SkylarkService {
        let base: FakeSkylark
        let store: FakeObjectStore
        let sawVideo: Locked<[Bool]>

        func uploadDocumentFile(uploadURL: String, fileName: String, path: String) async throws -> RemoteDocument {
            // item-3.fr.srt → media/item-3.mp4, the item's key.
            let item = fileName.split(separator: ".").first.map(String.init) ?? ""
            try await Task.sleep(for: .milliseconds(100))
            let seen = await store.objects.keys.contains { $0.hasSuffix("\(item).mp4") }
            sawVideo.withLock { $0.append(seen) }
            return try await base.uploadDocumentFile(uploadURL: uploadURL, fileName: fileName, path: path)
        }

        func assetTypeURL(_ nameOrUID: String) async throws -> String? { try await base.assetTypeURL(nameOrUID) }
        func documentTypeURL(_ name: String) async throws -> String? { try await base.documentTypeURL(name) }
        func createAsset(_ asset: NewAsset) async throws -> RemoteAsset { try await base.createAsset(asset) }
        func asset(slug: String) async throws -> RemoteAsset? { try await base.asset(slug: slug) }
        func asset(uid: String) async throws -> RemoteAsset? { try await base.asset(uid: uid) }
        func asset(dataSourceID: String) async throws -> RemoteAsset? { try await base.asset(dataSourceID: dataSourceID) }
        func createTextTrack(language: String, assetURL: String) async throws -> RemoteTextTrack {
            try await base.createTextTrack(language: language, assetURL: assetURL)
        }
        func textTrack(url: String) async throws -> RemoteTextTrack? { try await base.textTrack(url: url) }
        func createDocument(_ document: NewDocument) async throws -> RemoteDocument { try await base.createDocument(document) }
        func documents(contentURL: String) async throws -> [RemoteDocument] { try await base.documents(contentURL: contentURL) }
    }

    @Test func noVideoIsInTheBucketBeforeItsItemsSubtitlesAreUploadedAndEverythingHappensOnce() async throws {
        let fixture = try Fixture(advanced: 4)
        defer { fixture.directory.remove() }
        let sawVideo = Locked<[Bool]>([])
        let opened = try JournalFile.open(path: fixture.journalPath, header: Fixture.header)
        let checkpoint = Checkpoint(journal: opened.journal, state: opened.state)
        let context = StageContext(checkpoint: checkpoint,
                                   skylark: WaitingForVideo(base: fixture.skylark, store: fixture.store, sawVideo: sawVideo),
                                   store: fixture.store, retry: Retrier(attempts: 4, baseDelay: .milliseconds(1)))
        let result = try await Runner(items: fixture.assets, context: context,
                                      options: RunOptions(concurrency: 4, transferSlots: 2)).run()
        try await opened.journal.close()
        #expect(result.count(.succeeded) == 4)
        // With the video uploading beside the documents (as it briefly did), the subtitle uploads saw it.
        #expect(sawVideo.withLock { $0 } == Array(repeating: false, count: 8))
        await fixture.expectExactEndState()
        // A second run finds everything done and sends nothing.
        let writes = await fixture.skylark.writeCount
        let storeWrites = await fixture.store.writeCount
        let (again, _) = try await fixture.run()
        #expect(again.count(.succeeded) == 4)
        let writesAfter = await fixture.skylark.writeCount
        let storeWritesAfter = await fixture.store.writeCount
        #expect(writesAfter == writes)
        #expect(storeWritesAfter == storeWrites)
    }
}
