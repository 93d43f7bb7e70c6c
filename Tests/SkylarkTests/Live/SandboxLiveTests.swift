import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing
@testable import Skylark
import SkylarkSandbox

/// The client against a live `skylark-sandbox` on 127.0.0.1 through the libcurl engine.
@Suite(.serialized) struct SandboxLiveTests {
    @Test func everyClientCallWorksAgainstTheSandbox() async throws {
        try await LiveSandbox.with { live in
            let c = live.client
            let episode = try #require(try await c.assetTypes(named: "episode").first)
            #expect(episode.name == "Episode")
            #expect(episode.uid.hasPrefix("asty_"))
            #expect(try await c.assetTypes(named: "EPISODE").map(\.uid) == [episode.uid])

            let asset = try await c.createAsset(CreateAssetRequest(
                title: "ABC 123 Title", slug: "abc-123-title", assetTypeURL: episode.selfURL,
                fields: ["synopsis": .string("A synopsis"), "season_number": .number(2)]))
            #expect(asset.uid.hasPrefix("asse_"))
            #expect(asset.selfURL == "/api/assets/\(asset.uid)/")
            #expect(asset.slug == "abc-123-title")
            #expect(asset.assetTypeURL == episode.selfURL)
            #expect(asset.fields["synopsis"] == .string("A synopsis"))

            #expect(try await c.assets(slug: "abc-123-title").map(\.uid) == [asset.uid])
            #expect(try await c.assets(slug: "no-such-slug").isEmpty)
            #expect(try await c.asset(uid: asset.uid)?.title == "ABC 123 Title")
            #expect(try await c.asset(uid: "asse_00000000000000000000000000000000") == nil)
            #expect(try await c.asset(dataSourceID: "NOPE-video") == nil)
            let derived = try await c.createAsset(CreateAssetRequest(title: "Only A Title"))
            #expect(derived.slug?.isEmpty == false)

            let track = try await c.createTextTrack(languageCode: "en-gb", assetURL: asset.selfURL)
            #expect(track.uid.hasPrefix("text_"))
            #expect(track.assetURLs == [asset.selfURL])
            #expect(try await c.textTrack(uid: track.uid)?.languageCode == "en-gb")
            #expect(try await c.textTrack(url: track.selfURL)?.uid == track.uid)
            #expect(try await c.asset(url: asset.selfURL)?.textTrackURLs == [track.selfURL])

            let textTrackType = try #require(try await c.documentTypes(named: "Text track").first)
            #expect(textTrackType.name == "Text track")
            let document = try await c.createDocument(documentTypeURL: textTrackType.selfURL, contentURL: track.selfURL,
                                                      fileName: "abc123.en-gb.srt", language: "en-gb", title: "English")
            #expect(document.uid.hasPrefix("docu_"))
            #expect(!document.isUploaded)
            let uploadURL = try #require(document.uploadDocumentURL)
            #expect(uploadURL.hasPrefix("http://127.0.0.1:\(live.port)/"))
            #expect(try await c.documents(contentURL: track.selfURL).map(\.uid) == [document.uid])
            #expect(try await c.document(uid: document.uid)?.url == nil)

            let dir = try TempDirectory(prefix: "live-upload")
            defer { dir.remove() }
            let file = try dir.write("abc123.en-gb.srt", "1\n00:00:01,000 --> 00:00:02,500\nHello\n")
            let uploaded = try await c.uploadDocumentFile(uploadURL: uploadURL, filePath: file,
                                                          fileName: "abc123.en-gb.srt")
            #expect(uploaded.url == "/media/documents/\(document.uid)/abc123.en-gb.srt")
            #expect(try await c.document(uid: document.uid)?.isUploaded == true)

            let again = await #expect(throws: SkylarkAPIError.self) {
                _ = try await c.uploadDocumentFile(uploadURL: uploadURL, filePath: file, fileName: "abc123.en-gb.srt")
            }
            #expect(again?.code == .skylarkBadRequest)
        }
    }

    @Test func sandboxErrorsBecomeActionableCodes() async throws {
        try await LiveSandbox.with { live in
            let c = live.client
            _ = try await c.createAsset(CreateAssetRequest(title: "One", slug: "dup"))
            let duplicate = await #expect(throws: SkylarkAPIError.self) {
                _ = try await c.createAsset(CreateAssetRequest(title: "Two", slug: "dup"))
            }
            #expect(duplicate?.ingestError.code == .skylarkFormValidation)
            #expect(duplicate?.ingestError.message.contains("slug: An asset with this slug already exists.") == true)

            let badType = await #expect(throws: SkylarkAPIError.self) {
                _ = try await c.createAsset(CreateAssetRequest(
                    title: "Three", assetTypeURL: "/api/asset-types/asty_00000000000000000000000000000000/"))
            }
            #expect(badType?.code == .skylarkFormValidation)
            #expect(badType?.fieldErrors["asset_type_url"]?.isEmpty == false)

            let badTrack = await #expect(throws: SkylarkAPIError.self) {
                _ = try await c.createTextTrack(languageCode: "en-gb",
                                                assetURL: "/api/assets/asse_00000000000000000000000000000000/")
            }
            #expect(badTrack?.status == 400)
            #expect(badTrack?.ingestError.message.contains("asset_urls") == true)

            let stranger = live.client(tokens: StaticTokenProvider(token: Secret("not-a-token")))
            let refused = await #expect(throws: SkylarkAPIError.self) { _ = try await stranger.assetTypes(named: "Movie") }
            #expect(refused?.code == .skylarkUnauthorized)
            #expect(refused?.ingestError.message.contains("not-a-token") == false)
        }
    }

    @Test func pagingWalksEveryPage() async throws {
        try await LiveSandbox.with { live in
            let c = live.client
            for i in 0..<23 { _ = try await c.createAsset(CreateAssetRequest(title: "Paged \(i)", slug: "paged-\(i)")) }
            let first = try await c.page("assets/", start: 0, limit: 10, of: Asset.self)
            #expect(first.objects.count == 10)
            #expect(first.meta?.total == 23)
            let all = try await c.allPages("assets/", pageSize: 10, of: Asset.self)
            #expect(all.count == 23)
            #expect(Set(all.compactMap(\.slug)) == Set((0..<23).map { "paged-\($0)" }))
            let track = try await c.createTextTrack(languageCode: "fr", assetURL: try #require(all.first).selfURL)
            let type = try #require(try await c.documentTypes(named: "Text track").first)
            for i in 0..<3 {
                _ = try await c.createDocument(documentTypeURL: type.selfURL, contentURL: track.selfURL,
                                               fileName: "f\(i).vtt", language: "fr", title: "F\(i)")
            }
            let documents = try await c.allPages("documents/", query: [("content_url", track.selfURL)], pageSize: 2,
                                                 of: Document.self)
            #expect(documents.count == 3)
        }
    }

    @Test func srpLoginAcceptsTheRightPasswordOnly() async throws {
        try await LiveSandbox.with(clientSecret: Secret("sandbox-client-secret")) { live in
            let cognito = live.cognitoClient()
            let tokens = try await cognito.login(username: LiveSandbox.username, password: live.password)
            #expect(tokens.refreshToken != nil)
            let api = live.client(tokens: StaticTokenProvider(token: tokens.idToken))
            #expect(try await api.assetTypes(named: "Movie").count == 1)

            let wrong = await #expect(throws: Skylark.CognitoError.self) {
                _ = try await cognito.login(username: LiveSandbox.username, password: Secret("wrong-password"))
            }
            #expect(wrong?.ingestError.code == .authInvalidCredentials)
            let unknown = await #expect(throws: Skylark.CognitoError.self) {
                _ = try await cognito.login(username: "nobody@example.com", password: live.password)
            }
            #expect(unknown?.ingestError.code == .authInvalidCredentials)

            let refreshed = try await cognito.refresh(refreshToken: try #require(tokens.refreshToken),
                                                      username: tokens.username)
            #expect(refreshed.idToken != tokens.idToken)
            let rejected = await #expect(throws: Skylark.CognitoError.self) {
                _ = try await cognito.refresh(refreshToken: Secret("bogus"), username: tokens.username)
            }
            #expect(rejected?.isNotAuthorized == true)
        }
    }

    @Test func twoSecondTokensAreRefreshedTransparentlyDuringALongSequence() async throws {
        try await LiveSandbox.with(tokenLifetime: 2) { live in
            let c = live.client
            let asset = try await c.createAsset(CreateAssetRequest(title: "Long run", slug: "long-run"))
            let clock = ContinuousClock()
            let end = clock.now + .milliseconds(5500)
            var calls = 0
            // At least 5.5 s (more than two token lifetimes) and at least 30 calls, however busy the machine.
            while clock.now < end || calls < 30 {
                #expect(try await c.asset(uid: asset.uid)?.uid == asset.uid)
                _ = try await c.createTextTrack(languageCode: "en-gb", assetURL: asset.selfURL)
                calls += 2
                try await Task.sleep(for: .milliseconds(150))
            }
            #expect(calls > 20)
            #expect(await live.authenticator.logins == 1)
            #expect(await live.authenticator.refreshes >= 2)
            #expect(try await c.asset(uid: asset.uid)?.textTrackURLs.count == calls / 2)
        }
    }

    @Test func anExpiredTokenTheCacheStillTrustsIsRefreshedAfterThe401() async throws {
        // The provider's clock is frozen, so it never sees the token expire: only the server's 401
        // can make it refresh.
        let frozen = Date()
        try await LiveSandbox.with(tokenLifetime: 2, now: { frozen }) { live in
            #expect(try await live.client.assetTypes(named: "Clip").count == 1)
            try await Task.sleep(for: .milliseconds(3200)) // the sandbox rounds iat up: up to 3 s
            #expect(try await live.client.assetTypes(named: "Clip").count == 1)
            let logins = await live.authenticator.logins, refreshes = await live.authenticator.refreshes
            #expect(logins == 1 && refreshes == 1, "logins \(logins), refreshes \(refreshes):\n\(live.logs.text)")
            #expect(live.logs.text.contains("401: retrying once with a refreshed token"))
        }
    }

    @Test func debugLogsNeverContainThePasswordTokensOrClientSecret() async throws {
        let secret = Secret("client-secret-\(UUID().uuidString)")
        try await LiveSandbox.with(tokenLifetime: 2, clientSecret: secret) { live in
            let c = live.client
            let asset = try await c.createAsset(CreateAssetRequest(title: "Secret check", slug: "secret-check"))
            let track = try await c.createTextTrack(languageCode: "en-gb", assetURL: asset.selfURL)
            let type = try #require(try await c.documentTypes(named: "Text track").first)
            let document = try await c.createDocument(documentTypeURL: type.selfURL, contentURL: track.selfURL,
                                                      fileName: "s.srt", language: "en-gb", title: "S")
            let dir = try TempDirectory(prefix: "live-secrets")
            defer { dir.remove() }
            let file = try dir.write("s.srt", "1\n00:00:01,000 --> 00:00:02,000\nx\n")
            _ = try await c.uploadDocumentFile(uploadURL: try #require(document.uploadDocumentURL), filePath: file,
                                               fileName: "s.srt")
            try await Task.sleep(for: .milliseconds(2100)) // expire: the next call refreshes
            _ = try await c.asset(uid: asset.uid)
            _ = try? await live.cognitoClient().login(username: LiveSandbox.username, password: Secret("wrong-pass"))

            let logs = live.logs.text
            #expect(logs.contains("GET"), "the engine logged nothing at debug level: \(logs.prefix(200))")
            #expect(logs.contains("REFRESH_TOKEN_AUTH"))
            #expect(!logs.contains(live.password.revealed))
            #expect(!logs.contains(secret.revealed))
            #expect(!logs.contains("wrong-pass"))
            let issued = await live.authenticator.issued
            #expect(issued.count >= 2)
            for tokens in issued {
                #expect(!logs.contains(tokens.idToken.revealed))
                #expect(!logs.contains(tokens.accessToken.revealed))
                if let refresh = tokens.refreshToken { #expect(!logs.contains(refresh.revealed)) }
            }
        }
    }
}
