import Foundation
import IngestCore
import IngestTestSupport
import Testing
@testable import SkylarkSandbox

/// The HTTP API through a real server on a free loopback port.
@Suite(.serialized) struct APIServerTests {
    @Test func advancedWorkflowReadsBackEverything() async throws {
        try await withSandbox { _, http in
            let type = try await http.get("/api/asset-types/?name=Episode")
            #expect(type.status == 200)
            let typeURL = try #require(type.objects.first?["self"] as? String)
            let created = try await http.post("/api/assets/", ["title": "ABC 123 Title", "asset_type_url": typeURL,
                                                               "synopsis": "Story"])
            #expect(created.status == 201)
            let assetURL = try #require(created.string("self"))
            #expect(created.json?["synopsis"] as? String == "Story")
            let track = try await http.post("/api/text-tracks/", ["language_code": "en-gb", "asset_urls": [assetURL]])
            #expect(track.status == 201)
            let trackURL = try #require(track.string("self"))
            let docType = try await http.get("/api/document-types/?name=Text%20track")
            let docTypeURL = try #require(docType.objects.first?["self"] as? String)
            let document = try await http.post("/api/documents/", [
                "document_type_url": docTypeURL, "content_url": trackURL, "file_name": "abc.en-gb.srt",
                "language": "en-gb", "title": "English",
            ])
            #expect(document.status == 201)
            #expect(document.json?["url"] is NSNull)
            let uploadURL = try #require(document.string("upload_document_url"))
            #expect(uploadURL.hasPrefix(http.base + "/api/documents/docu_"))
            let srt = Array("1\n00:00:01,000 --> 00:00:02,000\nHello\n".utf8)
            let uploaded = try await http.upload(uploadURL, fileName: "abc.en-gb.srt", bytes: srt)
            #expect(uploaded.status == 200)
            let mediaPath = try #require(uploaded.string("url"))
            #expect(mediaPath.hasSuffix("/abc.en-gb.srt"))
            let again = try await http.upload(uploadURL, fileName: "abc.en-gb.srt", bytes: srt)
            #expect(again.status == 400)
            #expect(again.string("skylark_error_code") == "BAD_REQUEST")

            let asset = try await http.get(assetURL)
            #expect(asset.json?["text_track_urls"] as? [String] == [trackURL])
            let bySlug = try await http.get("/api/assets/?slug=abc-123-title")
            #expect(bySlug.objects.count == 1)
            let documents = try await http.get("/api/documents/?content_url=\(trackURL)")
            #expect(documents.objects.map { $0["url"] as? String } == [mediaPath])
        }
    }

    @Test func validationErrorsUseTheSkylarkErrorBody() async throws {
        try await withSandbox { _, http in
            _ = try await http.post("/api/assets/", ["title": "Dup", "slug": "dup"])
            let duplicate = try await http.post("/api/assets/", ["title": "Dup 2", "slug": "dup"])
            #expect(duplicate.status == 400)
            #expect(duplicate.string("skylark_error_code") == "FORM_VALIDATION_ERRORS")
            let fields = duplicate.json?["form_validation_errors"] as? [String: [String]]
            #expect(fields?["slug"] == ["An asset with this slug already exists."])
            let unknownType = try await http.post("/api/assets/", ["title": "X",
                                                                   "asset_type_url": "/api/asset-types/asty_00000000000000000000000000000000/"])
            #expect((unknownType.json?["form_validation_errors"] as? [String: Any])?["asset_type_url"] != nil)
            let missing = try await http.get("/api/assets/asse_00000000000000000000000000000000/")
            #expect(missing.status == 404)
            #expect(missing.string("skylark_error_code") == "NOT_FOUND")
            let notJSON = try await http.send("POST", "/api/assets/", body: Data("nope".utf8))
            #expect(notJSON.status == 400)
            let track = try await http.post("/api/text-tracks/", ["language_code": "en",
                                                                  "asset_urls": ["/api/assets/asse_00000000000000000000000000000000/"]])
            #expect(track.status == 400)
        }
    }

    @Test func everyAPICallNeedsAValidBearerToken() async throws {
        try await withSandbox { _, http in
            var anonymous = http
            anonymous.token = nil
            let none = try await anonymous.get("/api/assets/")
            #expect(none.status == 401)
            #expect(none.string("skylark_error_code") == "UNAUTHORIZED")
            #expect(none.json?["form_validation_errors"] is NSNull)
            var forged = http
            forged.token = (http.token ?? "") + "x"
            #expect(try await forged.get("/api/assets/").status == 401)
            #expect(try await http.get("/api/assets/").status == 200)
            #expect(try await anonymous.get("/_admin/health").status == 200)
        }
    }

    @Test func expiredTokenIsRefusedWith401() async throws {
        try await withSandbox({ $0.tokenLifetime = 1 }) { sandbox, http in
            #expect(try await http.get("/api/assets/").status == 200)
            try await Task.sleep(for: .milliseconds(2200))
            let expired = try await http.get("/api/assets/")
            #expect(expired.status == 401)
            #expect(expired.string("error") == "Token has expired.")
            var fresh = http
            // A fresh token with a lifetime that a loaded machine cannot outrun.
            fresh.token = await sandbox.idToken(for: "demo", lifetime: 120)
            #expect(try await fresh.get("/api/assets/").status == 200)
        }
    }

    @Test func listsPageWithStartAndLimit() async throws {
        try await withSandbox { _, http in
            for n in 0..<25 { #expect(try await http.post("/api/assets/", ["title": "Paged \(n)"]).status == 201) }
            let first = try await http.get("/api/assets/")
            #expect(first.objects.count == 20)
            let meta = first.json?["meta"] as? [String: Int]
            #expect(meta == ["start": 0, "limit": 20, "total": 25])
            let second = try await http.get("/api/assets/?start=20&limit=20")
            #expect(second.objects.map { $0["title"] as? String } == (20..<25).map { "Paged \($0)" })
            #expect(try await http.get("/api/assets/?limit=1000").objects.count == 25)
        }
    }

    @Test func dataSourceLookupFindsSimpleModeAssets() async throws {
        try await withSandbox { _, http in
            let created = try await http.post("/api/assets/", ["title": "Clip", "data_source_id": "ABC123-video"])
            #expect(created.status == 201)
            let found = try await http.get("/api/assets/versions/data-source/ABC123-video/")
            #expect(found.string("uid") == created.string("uid"))
            #expect(try await http.get("/api/assets/versions/data-source/nope/").status == 404)
        }
    }

    @Test func adminStateCountsRequestsPerRouteAndWrites() async throws {
        try await withSandbox { _, http in
            _ = try await http.post("/api/assets/", ["title": "Counted"])
            _ = try await http.post("/api/assets/", ["title": "Counted"])
            _ = try await http.get("/api/assets/")
            let state = try await http.adminState()
            let requests = state["requests"] as? [String: [String: Int]]
            #expect(requests?["POST /api/assets/"] == ["201": 1, "400": 1])
            #expect(requests?["GET /api/assets/"] == ["200": 1])
            #expect(state["write_requests"] as? Int == 2)
            #expect((state["assets"] as? [[String: Any]])?.count == 1)
            let reset = try await http.send("POST", "/_admin/reset")
            #expect(reset.status == 200)
            let after = try await http.adminState()
            #expect((after["assets"] as? [Any])?.isEmpty == true)
            #expect(after["write_requests"] as? Int == 0)
        }
    }

    @Test func stateAndTokensSurviveARestart() async throws {
        let directory = try TempDirectory(prefix: "sandbox-state")
        defer { directory.remove() }
        let path = directory.path("state")
        let (assetURL, token) = try await withSandbox({ $0.stateDirectory = path }) { _, http in
            let created = try await http.post("/api/assets/", ["title": "Kept"])
            return (try #require(created.string("self")), try #require(http.token))
        }
        try await withSandbox({ $0.stateDirectory = path }) { _, http in
            var old = http
            old.token = token
            let asset = try await old.get(assetURL)
            #expect(asset.status == 200)
            #expect(asset.string("title") == "Kept")
            #expect(try await old.post("/api/assets/", ["title": "Kept"]).status == 400)
        }
    }
}
