import IngestCore
import Testing

/// The journal's multipart records (issue 13): `upload_state` holds the uploader's whole state (written
/// when an upload is created or resumed, and by older versions after every part), `upload_part` one
/// finished part; the replay folds the parts into `ItemState.uploadState`.
@Suite struct UploadPartReplayTests {
    /// The JSON the multipart uploader's state encodes to (`UploadState`'s Codable keys).
    static func whole(_ parts: [(Int, String)], uploadId: String = "up-1") -> JSONValue {
        .object([
            "bucket": .string("watch"), "key": .string("master.mxf"), "uploadId": .string(uploadId),
            "partSize": .number(8_388_608), "fileSize": .number(2_147_483_648), "mtime": .number(1_764_000_000.25),
            "completedParts": .array(parts.map { .object(["number": .number(Double($0.0)), "etag": .string($0.1)]) }),
        ])
    }

    static func stateRecord(_ value: JSONValue) -> JournalEntry {
        JournalEntry(item: "a", stage: .transfer, event: .done, op: "upload_state", data: ["upload_state": value])
    }

    static func partRecord(_ number: Int, _ etag: String) -> JournalEntry {
        JournalEntry(item: "a", stage: .transfer, event: .done, op: "upload_part",
                     data: ["part": .object(["number": .number(Double(number)), "etag": .string(etag)])])
    }

    static func replay(_ entries: [JournalEntry]) -> ItemState {
        var state = JournalState()
        for entry in entries { state.apply(entry) }
        return state.item("a")
    }

    @Test func partRecordsAddTheirPartsToTheUploadStateRecordedBefore() {
        let item = Self.replay([Self.stateRecord(Self.whole([])), Self.partRecord(1, "e1"), Self.partRecord(2, "e2")])
        #expect(item.uploadState == Self.whole([(1, "e1"), (2, "e2")]))
        #expect(item.transfer.status == .inProgress)
    }

    @Test func partsFinishingOutOfOrderOrSentAgainGiveOneSortedListWithTheLastETag() {
        let item = Self.replay([Self.stateRecord(Self.whole([(1, "e1")])), Self.partRecord(3, "e3"), Self.partRecord(2, "old"),
                                Self.partRecord(2, "e2")])
        #expect(item.uploadState == Self.whole([(1, "e1"), (2, "e2"), (3, "e3")]))
    }

    @Test func aWholeStateRecordReplacesThePartsRecordedBeforeIt() {
        // A changed file restarts the upload: the new upload's state drops the old one's parts.
        let item = Self.replay([Self.stateRecord(Self.whole([])), Self.partRecord(1, "e1"),
                                Self.stateRecord(Self.whole([], uploadId: "up-2")), Self.partRecord(1, "f1")])
        #expect(item.uploadState == Self.whole([(1, "f1")], uploadId: "up-2"))
    }

    @Test func aPartOfAClearedUploadIsIgnored() {
        let item = Self.replay([Self.stateRecord(Self.whole([])), Self.partRecord(1, "e1"), Self.stateRecord(.null),
                                Self.partRecord(2, "e2")])
        #expect(item.uploadState == nil)
    }

    @Test func aPartRecordsETagIsNotTakenForTheObjectsETag() {
        let item = Self.replay([Self.stateRecord(Self.whole([])), Self.partRecord(1, "e1")])
        #expect(item.etag == nil)
    }

    @Test func journalsOfEarlierVersionsWithTheWholeListAfterEveryPartStillReplayAndTakeNewPartRecords() {
        // Written by an earlier version, then resumed by this one.
        let item = Self.replay([Self.stateRecord(Self.whole([])), Self.stateRecord(Self.whole([(1, "e1")])),
                                Self.stateRecord(Self.whole([(1, "e1"), (2, "e2")])), Self.partRecord(3, "e3")])
        #expect(item.uploadState == Self.whole([(1, "e1"), (2, "e2"), (3, "e3")]))
    }

    @Test func formatOneTransferSummaryWithAnUploadStateReplaysAndTakesNewPartRecords() {
        let summary = JournalEntry(item: "a", stage: .transfer, event: .summary,
                                   data: ["status": .string("in_progress"), "open_intents": .array([.string("upload")]),
                                          "upload_state": Self.whole([(1, "e1")])])
        let item = Self.replay([Self.stateRecord(Self.whole([])), Self.partRecord(5, "stale"), summary, Self.partRecord(2, "e2")])
        #expect(item.uploadState == Self.whole([(1, "e1"), (2, "e2")]))
        #expect(item.transfer.openIntents == ["upload"])
    }

    @Test func theItemSummaryFoldsThePartsAndItsLineReplaysToTheSameState() throws {
        let original = Self.replay([
            JournalEntry(item: "a", stage: .transfer, event: .intent, op: "upload", data: ["bucket": .string("watch")]),
            Self.stateRecord(Self.whole([])), Self.partRecord(1, "e1"), Self.partRecord(2, "e2"),
        ])
        let summary = original.summaryEntry()
        #expect(summary.data["upload_state"] == Self.whole([(1, "e1"), (2, "e2")]))
        // Through the generic path (format 1 readers, `decode`) and the replay's direct decoder.
        var generic = JournalState()
        generic.apply(summary)
        #expect(generic.item("a") == original)
        var bytes = JournalCodec.encode(.header(JournalHeader(toolVersion: "t", manifestPath: "m", manifestSHA256: "",
                                                              createdAt: "")))
        bytes += JournalCodec.encode(.entry(summary))
        let replayed = try JournalReplay.replay(bytes).state.item("a")
        #expect(replayed == original)
        #expect(replayed.uploadState == Self.whole([(1, "e1"), (2, "e2")]))
        #expect(replayed.transfer.openIntents == ["upload"])
    }
}
