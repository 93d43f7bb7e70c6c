import Foundation
import IngestCore
import Testing
@testable import SkylarkSandbox

/// The store's rules, without a server.
@Suite struct SandboxStoreTests {
    private func episodeURL(_ store: SandboxStore) -> String {
        SkylarkUID.path(.assetType, store.assetTypes(name: "episode")[0].uid)
    }

    @Test func seededTypesAreFoundByNameOrSlugCaseInsensitively() {
        let store = SandboxStore()
        #expect(store.assetTypes(name: "EPISODE").map(\.name) == ["Episode"])
        #expect(store.assetTypes(name: "movie").map(\.slug) == ["movie"])
        #expect(store.assetTypes(name: "Documentary").isEmpty)
        #expect(store.documentTypes(name: "text track").map(\.name) == ["Text track"])
        #expect(store.assetTypes(name: nil).count == 4)
    }

    @Test func createAssetDerivesSlugAndKeepsExtraFields() throws {
        var store = SandboxStore()
        let asset = try store.createAsset(["title": .string("ABC 123 Title"), "asset_type_url": .string(episodeURL(store)),
                                           "synopsis": .string("A story.")])
        #expect(asset.slug == "abc-123-title")
        #expect(SkylarkUID.isValid(asset.uid, kind: .asset))
        guard case .object(let rendered) = store.render(asset) else { Issue.record("not an object"); return }
        #expect(rendered["synopsis"] == .string("A story."))
        #expect(rendered["self"] == .string("/api/assets/\(asset.uid)/"))
        #expect(rendered["text_track_urls"] == .array([]))
        #expect(rendered["data_source_id"] == .null)
        #expect(store.assets(slug: "abc-123-title").map(\.uid) == [asset.uid])
    }

    @Test func duplicateSlugIsAFormValidationError() throws {
        var store = SandboxStore()
        _ = try store.createAsset(["title": .string("One"), "slug": .string("same")])
        #expect(throws: APIError.form(["slug": ["An asset with this slug already exists."]])) {
            try store.createAsset(["title": .string("Two"), "slug": .string("same")])
        }
        #expect(store.state.assets.count == 1)
    }

    @Test func missingTitleAndUnknownTypeAreReportedTogether() {
        var store = SandboxStore()
        do {
            _ = try store.createAsset(["asset_type_url": .string("/api/asset-types/asty_00000000000000000000000000000000/")])
            Issue.record("expected a validation error")
        } catch {
            #expect(error.status == 400)
            #expect(error.code == "FORM_VALIDATION_ERRORS")
            #expect(error.formErrors?["title"] == ["This field is required."])
            #expect(error.formErrors?["asset_type_url"]?.count == 1)
        }
    }

    @Test func textTrackLinksToItsAssetsAndRejectsUnknownOnes() throws {
        var store = SandboxStore()
        let asset = try store.createAsset(["title": .string("T")])
        let track = try store.createTextTrack(["language_code": .string("en-gb"),
                                               "asset_urls": .array([.string(SkylarkUID.path(.asset, asset.uid))])])
        #expect(try store.asset(uid: asset.uid).textTrackUIDs == [track.uid])
        #expect(throws: APIError.self) {
            try store.createTextTrack(["language_code": .string("en-gb"),
                                       "asset_urls": .array([.string("/api/assets/asse_ffffffffffffffffffffffffffffffff/")])])
        }
        #expect(throws: APIError.self) { try store.createTextTrack(["language_code": .string("en-gb")]) }
        #expect(store.state.textTracks.count == 1)
    }

    @Test func documentIsFoundByContentURLAndUploadsOnce() throws {
        var store = SandboxStore()
        let asset = try store.createAsset(["title": .string("T")])
        let track = try store.createTextTrack(["language_code": .string("fr"),
                                               "asset_urls": .array([.string(SkylarkUID.path(.asset, asset.uid))])])
        let typeURL = SkylarkUID.path(.documentType, store.documentTypes(name: "Text track")[0].uid)
        let document = try store.createDocument([
            "document_type_url": .string(typeURL), "content_url": .string(SkylarkUID.path(.textTrack, track.uid)),
            "file_name": .string("a.fr.srt"), "language": .string("fr"), "title": .string("French"),
        ])
        #expect(store.documents(contentURL: "http://x:1/api/text-tracks/\(track.uid)/").map(\.uid) == [document.uid])
        #expect(document.url == nil)
        let uploaded = try store.uploadDocument(uid: document.uid, bytes: Array("1\n00:00:01,000 --> 00:00:02,000\nHi\n".utf8))
        #expect(uploaded.url == "/media/documents/\(document.uid)/a.fr.srt")
        #expect(throws: APIError.badRequest("file already uploaded for document \(document.uid)")) {
            try store.uploadDocument(uid: document.uid, bytes: [1])
        }
    }

    @Test func documentNeedsAnExistingContentAndType() {
        var store = SandboxStore()
        do {
            _ = try store.createDocument(["document_type_url": .string("/api/document-types/doct_00000000000000000000000000000000/"),
                                          "content_url": .string("/api/text-tracks/text_00000000000000000000000000000000/")])
            Issue.record("expected a validation error")
        } catch {
            #expect(Set(error.formErrors?.keys.map { $0 } ?? []) == ["document_type_url", "content_url", "file_name"])
        }
    }

    @Test func simpleWatchfolderObjectCreatesOneAssetPerDataSource() {
        var store = SandboxStore()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = store.ingestWatchfolderObject(key: "ABC123-video.mp4", etag: "e1", size: 10, assetMetadata: nil,
                                                  providers: ["p1", "p2"], now: now)
        guard case .ingested(let uid, true) = first else { Issue.record("not ingested: \(first)"); return }
        let asset = try? store.asset(dataSourceID: "ABC123-video")
        #expect(asset?.uid == uid)
        #expect(asset?.title == "ABC123-video")
        #expect(asset?.ovps.map(\.provider) == ["p1", "p2"])
        // The same object again (crash between copy and delete): no new OVP, not a new ingestion.
        let again = store.ingestWatchfolderObject(key: "ABC123-video.mp4", etag: "e1", size: 10, assetMetadata: nil,
                                                  providers: ["p1", "p2"], now: now)
        #expect(again == .ingested(assetUID: uid, isNewIngestion: false))
        #expect((try? store.asset(uid: uid))?.ovps.count == 2)
        #expect(store.state.processedObjects.first?.count == 2)
        #expect(store.state.processedObjects.first?.etags == ["e1"])
        #expect(store.state.assets.count == 1)
    }

    @Test func advancedWatchfolderObjectNeedsAnExistingAsset() throws {
        var store = SandboxStore()
        let asset = try store.createAsset(["title": .string("Adv")])
        let ok = store.ingestWatchfolderObject(key: "v.mp4", etag: "e", size: 1, assetMetadata: "{\"uid\": \"\(asset.uid)\"}",
                                               providers: ["sandbox-ovp"], now: Date())
        #expect(ok == .ingested(assetUID: asset.uid, isNewIngestion: true))
        #expect(try store.asset(uid: asset.uid).ovps == [OVPRecord(provider: "sandbox-ovp", ovpID: store.state.assets[0].ovps[0].ovpID, key: "v.mp4")])
        let unknown = store.ingestWatchfolderObject(key: "w.mp4", etag: "e", size: 1,
                                                    assetMetadata: "{\"uid\": \"asse_0123456789abcdef0123456789abcdef\"}",
                                                    providers: ["sandbox-ovp"], now: Date())
        guard case .rejected(let code, _) = unknown else { Issue.record("expected a rejection"); return }
        #expect(code == "WATCHFOLDER_UNKNOWN_ASSET")
        #expect(store.state.watchfolderErrors.map(\.key) == ["w.mp4"])
        let bad = store.ingestWatchfolderObject(key: "x.mp4", etag: "e", size: 1, assetMetadata: "not json",
                                                providers: [], now: Date())
        #expect(bad == .rejected(code: "WATCHFOLDER_BAD_METADATA", message: "metadata 'asset' must be JSON {\"uid\": \"asse_…\"}, got not json"))
    }

    @Test func pagingClampsAndCountsTheTotal() throws {
        let page = Page(Array(0..<45), start: 40, limit: 20)
        #expect(page.objects == [40, 41, 42, 43, 44])
        #expect(page.total == 45)
        #expect(try Paging(["limit": "500"]).limit == 100)
        #expect(throws: APIError.self) { try Paging(["start": "-1"]) }
    }

    @Test func requestCountersGroupByRouteAndStatus() {
        var store = SandboxStore()
        store.countRequest(route: "POST /api/assets/", status: 201, isWrite: true)
        store.countRequest(route: "POST /api/assets/", status: 201, isWrite: true)
        store.countRequest(route: "POST /api/assets/", status: 500, isWrite: true)
        store.countRequest(route: "GET /api/assets/", status: 200, isWrite: false)
        #expect(store.state.requests["POST /api/assets/"] == ["201": 2, "500": 1])
        #expect(store.state.writeRequests == 3)
        store.reset()
        #expect(store.state.requests.isEmpty)
    }

    @Test func stateRoundTripsThroughJSONWithItsIndexes() throws {
        var store = SandboxStore()
        let asset = try store.createAsset(["title": .string("Persist me"), "n": .number(3)])
        let data = try StateDirectory.encoder.encode(store.state)
        let reloaded = SandboxStore(state: try StateDirectory.decoder.decode(SandboxState.self, from: data))
        #expect(reloaded.state == store.state)
        #expect(reloaded.assets(slug: "persist-me").map(\.uid) == [asset.uid])
    }

    @Test func processedRecordsSavedBeforeProcessingCountsExistedStillLoad() throws {
        let old = #"{"key": "v.mp4", "etag": "e2", "size": 3, "assetUID": "asse_1", "processedAt": 0, "count": 3, "etags": ["e1", "e2"]}"#
        let record = try JSONDecoder().decode(ProcessedObjectRecord.self, from: Data(old.utf8))
        #expect(record.timesProcessed == 2, "one processing per distinct ETag")
        #expect(record.awaitingMove == false)
        let again = try JSONDecoder().decode(ProcessedObjectRecord.self, from: JSONEncoder().encode(record))
        #expect(again == record)
    }
}
