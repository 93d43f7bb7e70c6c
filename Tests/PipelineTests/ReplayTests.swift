import IngestCore
import IngestTestSupport
import Testing

@Suite(.offThePool) struct ReplayTests {
    func entry(_ item: String, _ stage: Stage, _ event: JournalEvent, op: String? = nil,
               _ data: [String: JSONValue] = [:]) -> JournalEntry {
        JournalEntry(item: item, stage: stage, event: event, op: op, data: data)
    }

    @Test func intentWithoutResultIsOpenUntilDone() {
        var state = JournalState()
        state.apply(entry("a", .assets, .intent, op: "create"))
        #expect(state.item("a").assets.openIntents == ["create"])
        #expect(state.item("a").assets.status == .inProgress)
        state.apply(entry("a", .assets, .done, ["asset_uid": .string("asse_1"), "asset_url": .string("/api/assets/asse_1/")]))
        #expect(state.item("a").assets.openIntents.isEmpty)
        #expect(state.item("a").assets.status == .done)
        #expect(state.item("a").assetUID == "asse_1")
    }

    @Test func failureKeepsTheIntentOpenForReconcile() {
        var state = JournalState()
        state.apply(entry("a", .assets, .intent, op: "create"))
        state.apply(entry("a", .assets, .failed, ["error": .object(["code": .string("X"), "message": .string("m")])]))
        let item = state.item("a")
        #expect(item.assets.status == .failed)
        #expect(item.assets.openIntents == ["create"])
        #expect(item.assets.error?.code.rawValue == "X")
    }

    @Test func tracksAreCollectedPerLanguage() {
        var state = JournalState()
        state.apply(entry("a", .documents, .done, op: "text_track:en", ["language": .string("en"), "text_track_uid": .string("t1")]))
        state.apply(entry("a", .documents, .done, op: "text_track:fr", ["language": .string("fr"), "text_track_uid": .string("t2")]))
        state.apply(entry("a", .documents, .done, op: "document:en", ["language": .string("en"), "document_uid": .string("d1")]))
        state.apply(entry("a", .documents, .done, op: "upload:en", ["language": .string("en"), "uploaded": .bool(true)]))
        let item = state.item("a")
        #expect(item.track("en")?.documentUID == "d1")
        #expect(item.track("en")?.uploaded == true)
        #expect(item.track("fr")?.textTrackUID == "t2")
        #expect(item.track("fr")?.uploaded == false)
    }

    @Test func summaryEntriesReplayToTheSameState() {
        var state = JournalState()
        state.apply(entry("a", .validate, .done, ["definition": .string("d"), "fields": .string("x=1")]))
        state.apply(entry("a", .assets, .intent, op: "create"))
        state.apply(entry("a", .assets, .done, ["asset_uid": .string("u"), "asset_url": .string("/u/")]))
        state.apply(entry("a", .documents, .intent, op: "text_track:en", ["language": .string("en")]))
        state.apply(entry("a", .documents, .done, op: "text_track:en", ["language": .string("en"), "text_track_uid": .string("t")]))
        state.apply(entry("a", .documents, .intent, op: "document:en"))
        state.apply(entry("a", .transfer, .done, op: "upload_state", ["upload_state": .object(["upload_id": .string("x")])]))
        state.apply(entry("a", .transfer, .failed, ["error": .object(["code": .string("S3"), "message": .string("m")])]))
        let original = state.item("a")
        var compacted = JournalState()
        for entry in original.summaryEntries() { compacted.apply(entry) }
        #expect(compacted.item("a") == original)
    }

    @Test func newDefinitionResetsARePlannedItem() {
        var state = JournalState()
        state.apply(entry("a", .validate, .done, ["definition": .string("d1")]))
        state.apply(entry("a", .assets, .failed, ["error": .object(["code": .string("SKYLARK_ASSET_TYPE_NOT_FOUND"), "message": .string("m")])]))
        state.apply(entry("a", .validate, .done, ["definition": .string("d2")]))
        #expect(state.item("a").assets.status == .pending)
        #expect(state.item("a").definition == "d2")
    }

    @Test func itemSummaryLineReplaysIntentsFailuresAndTracks() throws {
        var state = JournalState()
        state.apply(entry("a", .validate, .done, ["definition": .string("d"), "fields": .string("x=1")]))
        state.apply(entry("a", .assets, .done, ["asset_uid": .string("u"), "asset_url": .string("/u/")]))
        state.apply(entry("a", .documents, .done, op: "text_track:en", ["language": .string("en"), "text_track_uid": .string("t")]))
        state.apply(entry("a", .documents, .done, op: "document:en", ["language": .string("en"), "document_uid": .string("doc"),
                                                                      "document_url": .string("/d/"), "upload_url": .string("/up/")]))
        state.apply(entry("a", .documents, .intent, op: "upload:en", ["language": .string("en")]))
        state.apply(entry("a", .transfer, .done, op: "upload_state", ["upload_state": .object(["upload_id": .string("x")])]))
        state.apply(entry("a", .transfer, .failed, ["error": .object(["code": .string("S3_X"), "message": .string("m"),
                                                                      "retryable": .bool(true)])]))
        let original = state.item("a")
        var bytes = JournalCodec.encode(.header(JournalHeader(toolVersion: "t", manifestPath: "m", manifestSHA256: "", createdAt: "")))
        bytes += JournalCodec.encode(.entry(original.summaryEntry()))
        let replayed = try JournalReplay.replay(bytes).state.item("a")
        #expect(replayed == original)
        #expect(replayed.documents.openIntents == ["upload:en"])
        #expect(replayed.track("en")?.uploadURL == "/up/")
        #expect(replayed.transfer.error?.code.rawValue == "S3_X")
        #expect(replayed.transfer.error?.retryable == true)
        #expect(replayed.confirm.isUntouched)
    }

    @Test func textTrackIntentKeepsTheAssetsEarlierTracksUntilTheTrackIsRecorded() throws {
        var state = JournalState()
        let earlier: JSONValue = .array([.string("/api/text-tracks/t0/"), .string("/api/text-tracks/t1/")])
        state.apply(entry("a", .documents, .intent, op: "text_track:en", ["language": .string("en"), "existing_text_tracks": earlier]))
        let open = state.item("a")
        #expect(open.track("en")?.existingTextTrackURLs == ["/api/text-tracks/t0/", "/api/text-tracks/t1/"])
        // Both compaction paths keep it while the intent is open.
        var compacted = JournalState()
        for entry in open.summaryEntries() { compacted.apply(entry) }
        #expect(compacted.item("a") == open)
        var bytes = JournalCodec.encode(.header(JournalHeader(toolVersion: "t", manifestPath: "m", manifestSHA256: "", createdAt: "")))
        bytes += JournalCodec.encode(.entry(open.summaryEntry()))
        #expect(try JournalReplay.replay(bytes).state.item("a") == open)
        // Once the track is recorded it is dropped.
        state.apply(entry("a", .documents, .done, op: "text_track:en", ["language": .string("en"), "text_track_uid": .string("t2"),
                                                                       "text_track_url": .string("/api/text-tracks/t2/")]))
        #expect(state.item("a").track("en")?.existingTextTrackURLs == nil)
        #expect(state.item("a").summaryEntry().data.description.contains("existing_text_tracks") == false)
    }

    @Test func formatOnePerStageSummariesStillReplay() {
        var state = JournalState()
        state.apply(entry("a", .validate, .done, ["definition": .string("d")]))
        state.apply(entry("a", .assets, .summary, ["status": .string("done"), "asset_uid": .string("u")]))
        state.apply(entry("a", .transfer, .summary, ["status": .string("in_progress"),
                                                      "open_intents": .array([.string("upload")]), "key": .string("k")]))
        let item = state.item("a")
        #expect(item.definition == "d")
        #expect(item.assets.status == .done && item.assetUID == "u")
        #expect(item.transfer.status == .inProgress && item.transfer.openIntents == ["upload"] && item.key == "k")
    }

    @Test func uploadedTrackForgetsItsDocumentURLs() {
        var state = JournalState()
        state.apply(entry("a", .documents, .done, op: "document:fr", ["language": .string("fr"), "document_uid": .string("d"),
                                                                      "document_url": .string("/d/"), "upload_url": .string("/up/")]))
        state.apply(entry("a", .documents, .done, op: "upload:fr", ["language": .string("fr"), "uploaded": .bool(true)]))
        let track = state.item("a").track("fr")
        #expect(track?.uploaded == true && track?.documentUID == "d")
        #expect(track?.uploadURL == nil && track?.documentURL == nil)
    }
}
