import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// The video of an asset this run created uploads while the item's documents are created: S3 and the
/// API are busy at once, and every effect still happens exactly once.
@Suite struct TransferBesideDocumentsTests {
    /// Delegates to the fake Skylark; each subtitle file upload first waits (bounded) for the item's video
    /// to be in the bucket and notes whether it was.
    private struct WaitingForVideo: SkylarkService {
        let base: FakeSkylark
        let store: FakeObjectStore
        let sawVideo: Locked<[Bool]>

        func uploadDocumentFile(uploadURL: String, fileName: String, path: String) async throws -> RemoteDocument {
            // item-3.fr.srt → media/item-3.mp4, the item's key.
            let item = fileName.split(separator: ".").first.map(String.init) ?? ""
            var seen = false
            for _ in 0..<1000 where !seen {
                let objects = await store.objects
                seen = objects.keys.contains { $0.hasSuffix("\(item).mp4") }
                if !seen { try await Task.sleep(for: .milliseconds(5)) }
            }
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

    @Test func videoUploadsWhileTheDocumentsAreCreatedAndEverythingHappensOnce() async throws {
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
        // Before, the video waited for the documents stage: every subtitle upload would have given up waiting.
        #expect(sawVideo.withLock { $0 } == Array(repeating: true, count: 8))
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
