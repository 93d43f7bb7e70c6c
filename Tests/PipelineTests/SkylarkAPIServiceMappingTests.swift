import Foundation
import IngestCore
@testable import Pipeline
import Skylark
import Testing

/// The fields reconcile compares come through from the API's objects.
@Suite struct SkylarkAPIServiceMappingTests {
    @Test func assetKeepsItsTitleAndAssetType() throws {
        let json = #"{"uid": "asse_1", "self": "/api/assets/asse_1/", "title": "ABC 123", "slug": "abc-123", "asset_type_url": "/api/asset-types/asty_1/", "text_track_urls": ["/api/text-tracks/t/"]}"#
        let remote = SkylarkAPIService.remote(try JSONDecoder().decode(Asset.self, from: Data(json.utf8)))
        #expect(remote.title == "ABC 123")
        #expect(remote.assetTypeURL == "/api/asset-types/asty_1/")
        #expect(remote.textTrackURLs == ["/api/text-tracks/t/"])
    }

    @Test func documentKeepsItsTypeLanguageAndFileName() throws {
        let json = #"{"uid": "docu_1", "self": "/api/documents/docu_1/", "document_type_url": "/api/document-types/d/", "content_url": "/api/text-tracks/t/", "file_name": "a.en-gb.srt", "language": "en-gb", "url": null, "upload_document_url": "http://h/api/documents/docu_1/upload/"}"#
        let remote = try SkylarkAPIService.remote(try JSONDecoder().decode(Document.self, from: Data(json.utf8)))
        #expect(remote.documentTypeURL == "/api/document-types/d/")
        #expect(remote.language == "en-gb")
        #expect(remote.fileName == "a.en-gb.srt")
    }

    @Test func referencesCompareByPath() {
        #expect(SkylarkReference.same("/api/document-types/d/", "https://x.example.com/api/document-types/d"))
        #expect(!SkylarkReference.same("/api/document-types/d/", "/api/document-types/e/"))
    }
}
