import Foundation
import IngestCore
import Skylark
import IngestTestSupport
@testable import Pipeline
import Testing

extension Fixture {
    /// Appends `entries` to the journal as an earlier process would have left them.
    func recordEarlier(_ entries: [JournalEntry]) async throws {
        let opened = try JournalFile.open(path: journalPath, header: Self.header)
        let checkpoint = Checkpoint(journal: opened.journal, state: opened.state)
        for entry in entries { try await checkpoint.record(entry, durable: true) }
        try await opened.journal.close()
    }

    /// The asset type URL the fake gives for `name`.
    func assetTypeURL(_ name: String) async -> String? { try? await skylark.assetTypeURL(name) }
}

/// Writes whose outcome is unknown, and what reconcile may adopt: only what this item asked for.
@Suite struct SkylarkReconcileTests {
    private func entry(_ item: String, _ stage: Stage, _ event: JournalEvent, op: String? = nil,
                       _ data: [String: JSONValue] = [:]) -> JournalEntry {
        JournalEntry(item: item, stage: stage, event: event, op: op, data: data)
    }

    // MARK: Ambiguous answers after the server stored the write

    @Test(arguments: [injected503, injected429, injected500, injectedTimeout])
    func assetCreateAnsweredWithAnErrorAfterCommitIsAdoptedNotRepeated(error: IngestError) async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        await fixture.skylark.script(.createAsset, .commitThen(error))
        let (result, state) = try await fixture.run()
        #expect(result.outcomes["item-0"] == .succeeded)
        let assets = await fixture.skylark.assets
        #expect(assets.count == 1)
        #expect(await fixture.skylark.calls[.createAsset] == 1, "the POST must not be sent again")
        #expect(state.item("item-0").assetUID == assets.keys.first)
        await fixture.expectExactEndState()
    }

    @Test(arguments: [WriteCall.createTextTrack, .createDocument, .upload])
    func subtitleWriteAnswered503AfterCommitIsAdoptedNotRepeated(call: WriteCall) async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        await fixture.skylark.script(call, .commitThen(injected503))
        let (result, _) = try await fixture.run()
        #expect(result.outcomes["item-0"] == .succeeded)
        // One call per language: the failed one was reconciled, not repeated.
        #expect(await fixture.skylark.calls[call] == 2)
        await fixture.expectExactEndState()
    }

    @Test func subtitleWriteRefusedWith503IsWrittenAgainAfterTheReconcileFoundNothing() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        await fixture.skylark.script(.createTextTrack, .refuse(injected503))
        await fixture.skylark.script(.createDocument, .refuse(injectedTimeout))
        let (result, _) = try await fixture.run()
        #expect(result.outcomes["item-0"] == .succeeded)
        #expect(await fixture.skylark.calls[.createTextTrack] == 3)
        #expect(await fixture.skylark.calls[.createDocument] == 3)
        await fixture.expectExactEndState()
    }

    // MARK: Retry-After

    /// A refusal carrying the server's `Retry-After`, as `SkylarkAPIError` does for 429 and 503.
    struct RefusedWithRetryAfter: Error, IngestErrorConvertible, RetryAfterProviding {
        var retryAfter: Duration?
        var ingestError: IngestError { injected429 }
    }

    @Test func retryAfterOfAFailedWriteIsWaitedOutBeforeItIsWrittenAgain() async throws {
        let fixture = try Fixture(advanced: 1, languages: ["en-gb"])
        defer { fixture.directory.remove() }
        await fixture.skylark.script(.createTextTrack, .refuse(RefusedWithRetryAfter(retryAfter: .milliseconds(400))))
        let clock = ContinuousClock()
        let started = clock.now
        let (result, _) = try await fixture.run()
        #expect(clock.now - started >= .milliseconds(400))
        #expect(result.outcomes["item-0"] == .succeeded)
        #expect(await fixture.skylark.calls[.createTextTrack] == 2)
        await fixture.expectExactEndState(languages: 1)
    }

    // MARK: Assets: the slug is someone else's

    @Test func foreignAssetHoldingTheSlugFailsTheItemWithSlugTaken() async throws {
        let fixture = try Fixture(advanced: 2)
        defer { fixture.directory.remove() }
        let foreign = await fixture.skylark.seedAsset(title: "Another catalogue's title", slug: "title-0")
        let (result, state) = try await fixture.run()
        let error = try #require(result.errors["item-0"])
        #expect(error.code == .skylarkSlugTaken)
        #expect(error.stage == .assets)
        #expect(error.message.contains("title-0") && error.message.contains(foreign.uid))
        #expect(error.hint?.contains("uid") == true)
        #expect(result.outcomes["item-1"] == .succeeded)
        #expect(state.item("item-0").assetUID == nil)
        #expect(await fixture.skylark.calls[.createAsset] == 2, "one POST per item, none repeated")
        #expect(await fixture.skylark.assets[foreign.uid]?.remote.textTrackURLs.isEmpty == true)
        #expect(await fixture.store.objects["item-0.mp4"] == nil)
    }

    @Test func assetWithOurSlugAndTitleIsNotAdoptedWhenNoWriteOfOursCouldHaveMadeIt() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        await fixture.skylark.seedAsset(title: "Title 0", slug: "title-0", assetTypeURL: await fixture.assetTypeURL("episode"))
        let (result, state) = try await fixture.run()
        #expect(result.errors["item-0"]?.code == .skylarkSlugTaken)
        #expect(state.item("item-0").assetUID == nil)
        #expect(await fixture.skylark.calls[.createAsset] == 1)
    }

    @Test func openCreateIntentDoesNotAdoptAForeignAssetHoldingTheSlug() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        try await fixture.recordEarlier([entry("item-0", .assets, .intent, op: "create", ["slug": .string("title-0")])])
        let foreign = await fixture.skylark.seedAsset(title: "Another catalogue's title", slug: "title-0")
        let (result, state) = try await fixture.run()
        #expect(result.errors["item-0"]?.code == .skylarkSlugTaken)
        #expect(result.errors["item-0"]?.message.contains(foreign.uid) == true)
        #expect(state.item("item-0").assetUID == nil)
        #expect(await fixture.skylark.calls[.createAsset] == nil, "no POST: the slug is held")
    }

    @Test func openCreateIntentDoesNotAdoptAnAssetOfAnotherType() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        try await fixture.recordEarlier([entry("item-0", .assets, .intent, op: "create", ["slug": .string("title-0")])])
        await fixture.skylark.seedAsset(title: "Title 0", slug: "title-0", assetTypeURL: await fixture.assetTypeURL("movie"))
        let (result, state) = try await fixture.run()
        #expect(result.errors["item-0"]?.code == .skylarkSlugTaken)
        #expect(state.item("item-0").assetUID == nil)
    }

    @Test func openCreateIntentAdoptsTheAssetItsWriteCommitted() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        try await fixture.recordEarlier([entry("item-0", .assets, .intent, op: "create", ["slug": .string("title-0")])])
        let ours = await fixture.skylark.seedAsset(title: "Title 0", slug: "title-0",
                                                   assetTypeURL: await fixture.assetTypeURL("episode"))
        let (result, state) = try await fixture.run()
        #expect(result.outcomes["item-0"] == .succeeded)
        #expect(state.item("item-0").assetUID == ours.uid)
        #expect(await fixture.skylark.calls[.createAsset] == nil)
        await fixture.expectExactEndState()
    }

    // MARK: Text tracks on an asset given by uid

    @Test func preexistingSameLanguageTrackOnAUIDAssetIsNotAdoptedAndNothingIsCreated() async throws {
        var fixture = try Fixture(advanced: 2)
        defer { fixture.directory.remove() }
        let existing = await fixture.skylark.seedAsset(title: "Existing", slug: "existing")
        let theirs = await fixture.skylark.seedTextTrack(language: "en-gb", assetUID: existing.uid)
        fixture.assets[0].uid = existing.uid
        let (result, state) = try await fixture.run()
        let error = try #require(result.errors["item-0"])
        #expect(error.code == .skylarkTextTrackExists)
        #expect(error.stage == .documents)
        #expect(error.message.contains(theirs.uid) && error.message.contains("en-gb"))
        #expect(state.item("item-0").tracks.allSatisfy { $0.textTrackUID == nil })
        #expect(await fixture.skylark.assets[existing.uid]?.remote.textTrackURLs == [theirs.url])
        #expect(result.outcomes["item-1"] == .succeeded)
        #expect(await fixture.skylark.calls[.createTextTrack] == 2, "only item-1's two tracks")
    }

    @Test func openTextTrackIntentAdoptsOnlyATrackTheAssetDidNotHaveBefore() async throws {
        var fixture = try Fixture(advanced: 1, languages: ["en-gb"])
        defer { fixture.directory.remove() }
        let existing = await fixture.skylark.seedAsset(title: "Existing", slug: "existing")
        let theirs = await fixture.skylark.seedTextTrack(language: "en-gb", assetUID: existing.uid)
        let ours = await fixture.skylark.seedTextTrack(language: "en-gb", assetUID: existing.uid)
        fixture.assets[0].uid = existing.uid
        try await fixture.recordEarlier([
            entry("item-0", .assets, .done, ["asset_uid": .string(existing.uid), "asset_url": .string(existing.url)]),
            entry("item-0", .documents, .intent, op: "text_track:en-gb", [
                "language": .string("en-gb"), "existing_text_tracks": .array([.string(theirs.url)]),
            ]),
        ])
        let (result, state) = try await fixture.run()
        #expect(result.outcomes["item-0"] == .succeeded)
        #expect(state.item("item-0").track("en-gb")?.textTrackUID == ours.uid)
        #expect(await fixture.skylark.calls[.createTextTrack] == nil)
        let documents = await fixture.skylark.documents.values
        #expect(documents.count == 1 && documents.allSatisfy { $0.contentURL == ours.url })
    }

    // MARK: Documents

    /// What the documents stage sends for item-0's en-gb subtitle.
    private func ourDocument(_ fixture: Fixture, contentURL: String) async -> NewDocument {
        let type = (try? await fixture.skylark.documentTypeURL("Text track")) ?? "?"
        return NewDocument(documentTypeURL: type, contentURL: contentURL, fileName: "item-0.en-gb.srt", language: "en-gb",
                           title: "item-0.en-gb.srt")
    }

    /// item-0 with its asset and en-gb text track recorded, and a `document:en-gb` intent open.
    private func fixtureWithOpenDocumentIntent() async throws -> (Fixture, RemoteTextTrack) {
        let fixture = try Fixture(advanced: 1, languages: ["en-gb"])
        _ = try await fixture.run(stages: [.validate, .assets])
        let asset = try #require(await fixture.skylark.assets.values.first?.remote)
        let track = await fixture.skylark.seedTextTrack(language: "en-gb", assetUID: asset.uid)
        try await fixture.recordEarlier([
            entry("item-0", .documents, .intent, op: "text_track:en-gb", ["language": .string("en-gb")]),
            entry("item-0", .documents, .done, op: "text_track:en-gb", [
                "language": .string("en-gb"), "text_track_uid": .string(track.uid), "text_track_url": .string(track.url),
            ]),
            entry("item-0", .documents, .intent, op: "document:en-gb", ["language": .string("en-gb")]),
        ])
        return (fixture, track)
    }

    enum Mismatch: String, CaseIterable, Sendable { case fileName, language, documentType }

    @Test(arguments: Mismatch.allCases)
    func openDocumentIntentAdoptsNoDocumentThatDiffersFromWhatWasSent(mismatch: Mismatch) async throws {
        let (fixture, track) = try await fixtureWithOpenDocumentIntent()
        defer { fixture.directory.remove() }
        var other = await ourDocument(fixture, contentURL: track.url)
        switch mismatch {
        case .fileName: other.fileName = "someone-else.srt"
        case .language: other.language = "fr"
        case .documentType: other.documentTypeURL = "/api/document-types/doct_\(String(repeating: "9", count: 32))/"
        }
        let foreign = await fixture.skylark.seedDocument(other)
        let (result, state) = try await fixture.run()
        #expect(result.outcomes["item-0"] == .succeeded)
        let adopted = state.item("item-0").track("en-gb")?.documentUID
        #expect(adopted != nil && adopted != foreign.uid)
        #expect(await fixture.skylark.calls[.createDocument] == 1)
        #expect(await fixture.skylark.documents[foreign.uid]?.fileURL == nil, "the foreign document is left alone")
    }

    @Test func openDocumentIntentAdoptsTheDocumentItsWriteCommitted() async throws {
        let (fixture, track) = try await fixtureWithOpenDocumentIntent()
        defer { fixture.directory.remove() }
        let ours = await fixture.skylark.seedDocument(await ourDocument(fixture, contentURL: track.url))
        let (result, state) = try await fixture.run()
        #expect(result.outcomes["item-0"] == .succeeded)
        #expect(state.item("item-0").track("en-gb")?.documentUID == ours.uid)
        #expect(await fixture.skylark.calls[.createDocument] == nil)
        #expect(await fixture.skylark.documents[ours.uid]?.fileURL != nil)
    }

    // MARK: An inconsistent checkpoint fails one item, not the run

    enum MissingValue: String, CaseIterable, Sendable { case textTrackURL, uploadURL }

    @Test(arguments: MissingValue.allCases)
    func trackRecordLackingAValueFailsOnlyItsItemWithCheckpointInconsistent(missing: MissingValue) async throws {
        let fixture = try Fixture(advanced: 2, languages: ["en-gb"])
        defer { fixture.directory.remove() }
        _ = try await fixture.run(stages: [.validate, .assets])
        var data: [String: JSONValue] = ["language": .string("en-gb"), "text_track_uid": .string("text_1")]
        let op: String
        switch missing {
        case .textTrackURL:
            op = "text_track:en-gb"
        case .uploadURL:
            op = "document:en-gb"
            data["text_track_url"] = .string("/api/text-tracks/text_1/")
            data["document_uid"] = .string("docu_1")
        }
        try await fixture.recordEarlier([entry("item-0", .documents, .done, op: op, data)])
        let (result, _) = try await fixture.run()
        let error = try #require(result.errors["item-0"])
        #expect(error.code == .checkpointInconsistent)
        #expect(error.stage == .documents)
        #expect(error.hint?.contains("--retry-failed") == true)
        #expect(result.outcomes["item-1"] == .succeeded)
    }
}
