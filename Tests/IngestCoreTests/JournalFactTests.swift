import IngestCore
import Testing

/// Every kind of journal record goes through the one table (`JournalFact+Wire.swift`) to the line the
/// journal has always held, and back. The lines are literals: changing a record's stage, event, op or a
/// member's name or type fails here, and journals already written would no longer replay.
@Suite struct JournalFactTests {
    static let failure = IngestError(code: .skylarkSlugTaken, item: "item-1", stage: .assets, message: "taken",
                                     hint: "give the item another slug", retryable: false)

    static let cases: [(JournalFact, String)] = [
        (.planned(definition: "d1", fields: "title=ab,video=cd"),
         #""stage":"validate","event":"done","data":{"definition":"d1","fields":"title=ab,video=cd"}"#),
        (.assetIntent(slug: "a-title"), #""stage":"assets","event":"intent","op":"create","data":{"slug":"a-title"}"#),
        (.assetNotCreated(slugHolder: "asse_h"),
         #""stage":"assets","event":"done","op":"create","data":{"created":false,"slug_holder":"asse_h"}"#),
        (.asset(uid: "asse_1", url: "/api/assets/asse_1/", adopted: false),
         #""stage":"assets","event":"done","data":{"asset_uid":"asse_1","asset_url":"/api/assets/asse_1/"}"#),
        (.asset(uid: "asse_1", url: "/api/assets/asse_1/", adopted: true),
         #""stage":"assets","event":"done","data":{"adopted":true,"asset_uid":"asse_1","asset_url":"/api/assets/asse_1/"}"#),
        (.textTrackIntent(language: "en-gb", existingTextTracks: []),
         #""stage":"documents","event":"intent","op":"text_track:en-gb","data":{"language":"en-gb"}"#),
        (.textTrackIntent(language: "en-gb", existingTextTracks: ["/api/text-tracks/t0/"]),
         #""stage":"documents","event":"intent","op":"text_track:en-gb","data":{"existing_text_tracks":["/api/text-tracks/t0/"],"#
            + #""language":"en-gb"}"#),
        (.textTrack(language: "en-gb", uid: "text_1", url: "/api/text-tracks/text_1/"),
         #""stage":"documents","event":"done","op":"text_track:en-gb","data":{"language":"en-gb","text_track_uid":"text_1","#
            + #""text_track_url":"/api/text-tracks/text_1/"}"#),
        (.documentIntent(language: "en-gb"),
         #""stage":"documents","event":"intent","op":"document:en-gb","data":{"language":"en-gb"}"#),
        (.document(language: "en-gb", uid: "docu_1", url: "/api/documents/docu_1/", uploadURL: "/api/documents/docu_1/upload/",
                   uploaded: false),
         #""stage":"documents","event":"done","op":"document:en-gb","data":{"document_uid":"docu_1","#
            + #""document_url":"/api/documents/docu_1/","language":"en-gb","upload_url":"/api/documents/docu_1/upload/","#
            + #""uploaded":false}"#),
        (.fileUploadIntent(language: "en-gb"),
         #""stage":"documents","event":"intent","op":"upload:en-gb","data":{"language":"en-gb"}"#),
        (.fileUploaded(language: "en-gb"),
         #""stage":"documents","event":"done","op":"upload:en-gb","data":{"language":"en-gb","uploaded":true}"#),
        (.documentsDone, #""stage":"documents","event":"done""#),
        (.uploadIntent(bucket: "watch", key: "v/a.mp4", bytes: 1_048_576),
         #""stage":"transfer","event":"intent","op":"upload","data":{"bucket":"watch","bytes":1048576,"key":"v/a.mp4"}"#),
        (.uploadState(.object(["uploadId": .string("up-1"), "partSize": .number(5_242_880)])),
         #""stage":"transfer","event":"done","op":"upload_state","data":{"upload_state":{"partSize":5242880,"uploadId":"up-1"}}"#),
        (.uploadState(.null), #""stage":"transfer","event":"done","op":"upload_state","data":{"upload_state":null}"#),
        (.uploadPart(number: 3, etag: "\"e3\""),
         #""stage":"transfer","event":"done","op":"upload_part","data":{"part":{"etag":"\"e3\"","number":3}}"#),
        (.transferred(bucket: "watch", key: "v/a.mp4", etag: "\"e-2\"", bytes: 1_048_576),
         #""stage":"transfer","event":"done","data":{"bucket":"watch","bytes":1048576,"etag":"\"e-2\"","key":"v/a.mp4","#
            + #""upload_state":null}"#),
        (.confirmed(ovps: 2, assetUID: "asse_1", assetURL: "/api/assets/asse_1/"),
         #""stage":"confirm","event":"done","data":{"asset_uid":"asse_1","asset_url":"/api/assets/asse_1/","ovps":2,"#
            + #""processed":true}"#),
        (.failed(.assets, failure),
         #""stage":"assets","event":"failed","data":{"error":{"code":"SKYLARK_SLUG_TAKEN","#
            + #""hint":"give the item another slug","message":"taken","retryable":false}}"#),
        (.failed(.transfer, IngestError(code: .fileMissing, item: "item-1", stage: .transfer, message: "gone", retryable: true)),
         #""stage":"transfer","event":"failed","data":{"error":{"code":"FILE_MISSING","message":"gone","retryable":true}}"#),
    ]

    @Test(arguments: cases)
    func recordRoundTripsThroughTheJournalLine(fact: JournalFact, wire: String) throws {
        var entry = fact.entry(item: "item-1")
        entry.seq = 7
        entry.at = "2026-11-25T15:04:05.123Z"
        let line = JournalCodec.encode(.entry(entry))
        // The line without its `,"crc":"…"` trailer and newline, closed.
        let json = String(decoding: line.dropLast(19), as: UTF8.self) + "}"
        #expect(json == #"{"seq":7,"item":"item-1","# + wire + #","at":"2026-11-25T15:04:05.123Z"}"#)
        guard case .entry(let decoded) = try JournalCodec.decode(Array(line.dropLast())) else {
            Issue.record("not an entry")
            return
        }
        #expect(JournalFact(decoded) == fact)
    }

    @Test func everyKindHasALiteralLine() {
        #expect(Set(Self.cases.map { Self.kind($0.0) }) == Set(0..<17))
    }

    /// The kind's number; exhaustive, so a new kind does not compile here until it has a line above.
    static func kind(_ fact: JournalFact) -> Int {
        switch fact {
        case .planned: return 0
        case .assetIntent: return 1
        case .assetNotCreated: return 2
        case .asset: return 3
        case .textTrackIntent: return 4
        case .textTrack: return 5
        case .documentIntent: return 6
        case .document: return 7
        case .fileUploadIntent: return 8
        case .fileUploaded: return 9
        case .documentsDone: return 10
        case .uploadIntent: return 11
        case .uploadState: return 12
        case .uploadPart: return 13
        case .transferred: return 14
        case .confirmed: return 15
        case .failed: return 16
        }
    }

    @Test func opsRoundTripThroughTheirNames() {
        let ops: [JournalOp] = [.create, .textTrack(language: "pt-BR"), .document(language: "en"),
                                .fileUpload(language: "en-gb"), .upload, .uploadState, .uploadPart]
        #expect(ops.map(\.name) == ["create", "text_track:pt-BR", "document:en", "upload:en-gb", "upload", "upload_state",
                                    "upload_part"])
        for op in ops { #expect(JournalOp(name: op.name) == op) }
        #expect(JournalOp(name: "delete") == nil)
        #expect(JournalOp(name: "create:en") == nil)
    }

    @Test func entriesThatRecordNoFactReadBackAsNone() {
        #expect(JournalFact(JournalEntry(item: "i", stage: .assets, event: .done, data: ["asset_uid": .string("u")])) == nil)
        #expect(JournalFact(JournalEntry(item: "i", stage: .assets, event: .intent, op: "delete")) == nil)
        #expect(JournalFact(JournalEntry(item: "i", stage: .validate, event: .summary)) == nil)
    }
}
