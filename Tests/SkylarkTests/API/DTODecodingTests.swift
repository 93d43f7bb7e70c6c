import Foundation
import IngestCore
import Testing
@testable import Skylark

@Suite struct DTODecodingTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    @Test func assetKeepsUnmodelledFieldsAndReadBackLists() throws {
        let asset = try decode(Asset.self, """
        {"uid": "asse_0123456789abcdef0123456789abcdef", "self": "/api/assets/asse_0123456789abcdef0123456789abcdef/",
         "title": "ABC", "slug": "abc", "asset_type_url": "/api/asset-types/asty_1/",
         "text_track_urls": ["/api/text-tracks/text_1/"],
         "ovps": [{"provider": "brightcove", "ovp_id": "123", "key": "processed/a.mp4"}],
         "data_source_id": null, "synopsis": "Long text", "episode_number": 3, "tags": ["a", "b"]}
        """)
        #expect(asset.uid == "asse_0123456789abcdef0123456789abcdef")
        #expect(asset.selfURL == "/api/assets/asse_0123456789abcdef0123456789abcdef/")
        #expect(asset.textTrackURLs == ["/api/text-tracks/text_1/"])
        #expect(asset.ovps == [OVP(provider: "brightcove", ovpID: "123", key: "processed/a.mp4")])
        #expect(asset.dataSourceID == nil)
        #expect(asset.fields == ["synopsis": .string("Long text"), "episode_number": .number(3),
                                 "tags": .array([.string("a"), .string("b")])])
    }

    @Test func assetWithoutOptionalListsDecodesToEmptyLists() throws {
        let asset = try decode(Asset.self, #"{"uid": "asse_1", "self": "/api/assets/asse_1/", "data_source_id": "ABC123"}"#)
        #expect(asset.textTrackURLs.isEmpty)
        #expect(asset.ovps.isEmpty)
        #expect(asset.dataSourceID == "ABC123")
    }

    @Test func assetRoundTripsThroughJSON() throws {
        let asset = Asset(uid: "asse_1", selfURL: "/api/assets/asse_1/", title: "T", slug: "t",
                          textTrackURLs: ["/x/"], fields: ["synopsis": .string("s")])
        let again = try JSONDecoder().decode(Asset.self, from: JSONEncoder().encode(asset))
        #expect(again == asset)
    }

    @Test func createAssetRequestSendsExtraFieldsButNeverLetsThemOverrideCoreFields() throws {
        let request = CreateAssetRequest(title: "Real", slug: "real", assetTypeURL: "/api/asset-types/asty_1/",
                                         fields: ["title": .string("Fake"), "synopsis": .string("S"),
                                                  "season": .number(2)])
        let object = try #require(JSONSerialization.jsonObject(with: SkylarkClient.encoder.encode(request)) as? [String: Any])
        #expect(object["title"] as? String == "Real")
        #expect(object["slug"] as? String == "real")
        #expect(object["asset_type_url"] as? String == "/api/asset-types/asty_1/")
        #expect(object["synopsis"] as? String == "S")
        #expect(object["season"] as? Int == 2)
        let withoutSlug = try JSONSerialization.jsonObject(with: SkylarkClient.encoder.encode(CreateAssetRequest(title: "T")))
        #expect((withoutSlug as? [String: Any])?.keys.sorted() == ["title"])
    }

    @Test func documentBeforeAndAfterUpload() throws {
        let before = try decode(Document.self, """
        {"uid": "docu_1", "self": "/api/documents/docu_1/", "document_type_url": "/api/document-types/doct_1/",
         "content_url": "/api/text-tracks/text_1/", "file_name": "a.srt", "language": "en-gb", "title": "English",
         "url": null, "upload_document_url": "http://127.0.0.1:9/api/documents/docu_1/upload/"}
        """)
        #expect(!before.isUploaded)
        #expect(before.uploadDocumentURL == "http://127.0.0.1:9/api/documents/docu_1/upload/")
        #expect(before.contentURL == "/api/text-tracks/text_1/")
        let after = try decode(Document.self, #"{"uid": "docu_1", "self": "/api/documents/docu_1/", "url": "/media/documents/docu_1/a.srt"}"#)
        #expect(after.isUploaded)
    }

    @Test func textTrackAndTypes() throws {
        let track = try decode(TextTrack.self, #"{"uid": "text_1", "self": "/api/text-tracks/text_1/", "language_code": "en-gb", "asset_urls": ["/api/assets/asse_1/"]}"#)
        #expect(track.languageCode == "en-gb")
        #expect(track.assetURLs == ["/api/assets/asse_1/"])
        let type = try decode(AssetType.self, #"{"uid": "asty_1", "self": "/api/asset-types/asty_1/", "name": "Episode", "slug": "episode"}"#)
        #expect(type.slug == "episode")
        let docType = try decode(DocumentType.self, #"{"uid": "doct_1", "self": "/api/document-types/doct_1/", "name": "Text track"}"#)
        #expect(docType.name == "Text track")
    }

    @Test func pageWithAndWithoutMeta() throws {
        let page = try decode(Page<AssetType>.self, """
        {"objects": [{"uid": "asty_1", "self": "/s/", "name": "Episode"}], "meta": {"start": 0, "limit": 20, "total": 4}}
        """)
        #expect(page.objects.count == 1)
        #expect(page.meta?.total == 4)
        #expect(try decode(Page<AssetType>.self, #"{"objects": []}"#).meta == nil)
    }

    @Test func errorBodyWithFieldListsOrSingleStrings() throws {
        let lists = try decode(SkylarkErrorBody.self, """
        {"error": "Invalid", "skylark_error_code": "FORM_VALIDATION_ERRORS",
         "form_validation_errors": {"slug": ["An asset with this slug already exists."]}}
        """)
        #expect(lists.formValidationErrors == ["slug": ["An asset with this slug already exists."]])
        let single = try decode(SkylarkErrorBody.self, #"{"error": "x", "form_validation_errors": {"title": "Required"}}"#)
        #expect(single.formValidationErrors == ["title": ["Required"]])
        let none = try decode(SkylarkErrorBody.self, #"{"error": "x", "skylark_error_code": "NOT_FOUND", "form_validation_errors": null}"#)
        #expect(none.formValidationErrors == nil)
        #expect(none.skylarkErrorCode == "NOT_FOUND")
    }
}
