import Foundation
import IngestTestSupport
@testable import IngestCore
import Testing

@Suite(.offThePool) struct JournalCodecTests {
    static let entry = JournalEntry(seq: 42, item: "abc-123", stage: .documents, event: .done, op: "text_track:en-gb",
                                    data: ["language": .string("en-gb"), "text_track_uid": .string("text_\(String(repeating: "a", count: 32))"),
                                           "note": .string("quote \" backslash \\ newline \n tab \t é ✓"), "n": .number(7),
                                           "nested": .object(["list": .array([.bool(true), .null, .number(1.5)])])],
                                    at: "2026-11-25T15:04:05.123Z")

    @Test func entryRoundTripsThroughOneLine() throws {
        let line = JournalCodec.encode(.entry(Self.entry))
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)
        let decoded = try JournalCodec.decode(Array(line.dropLast()))
        #expect(decoded == .entry(Self.entry))
    }

    @Test func headerRoundTrips() throws {
        let header = JournalHeader(toolVersion: "0.1.0", manifestPath: "/m/a.yaml", manifestSHA256: "ab", createdAt: "t")
        let decoded = try JournalCodec.decode(Array(JournalCodec.encode(.header(header)).dropLast()))
        #expect(decoded == .header(header))
    }

    @Test func lineIsValidJSONForOtherTools() throws {
        let line = JournalCodec.encode(.entry(Self.entry))
        let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
        #expect(object?["item"] as? String == "abc-123")
        #expect((object?["crc"] as? String)?.count == 8)
    }

    @Test func everySingleBitFlipIsDetected() throws {
        let line = Array(JournalCodec.encode(.entry(Self.entry)).dropLast())
        for index in line.indices {
            var damaged = line
            damaged[index] ^= 0x04
            #expect(throws: (any Error).self) { _ = try JournalCodec.decode(damaged) }
        }
    }

    @Test func replayDropsATornLastRecordAtEveryOffset() throws {
        var file = JournalCodec.encode(.header(JournalHeader(toolVersion: "t", manifestPath: "m", manifestSHA256: "", createdAt: "")))
        var first = Self.entry
        first.seq = 1
        file += JournalCodec.encode(.entry(first))
        let goodLength = file.count
        var last = Self.entry
        last.seq = 2
        last.item = "other"
        let lastLine = JournalCodec.encode(.entry(last))
        for cut in 1..<lastLine.count {
            let torn = file + lastLine.prefix(cut)
            let result = try JournalReplay.replay(torn)
            #expect(result.tornTail != nil, "cut at \(cut)")
            #expect(result.validLength == goodLength)
            #expect(result.state.items["other"] == nil)
            #expect(result.state.items["abc-123"] != nil)
        }
        let whole = try JournalReplay.replay(file + lastLine)
        #expect(whole.tornTail == nil)
        #expect(whole.state.items["other"] != nil)
        #expect(whole.state.lastSeq == 2)
    }

    @Test func corruptionInTheMiddleNamesTheLine() throws {
        var lines: [[UInt8]] = [JournalCodec.encode(.header(JournalHeader(toolVersion: "t", manifestPath: "m", manifestSHA256: "", createdAt: "")))]
        for seq in 1...5 {
            var entry = Self.entry
            entry.seq = UInt64(seq)
            lines.append(JournalCodec.encode(.entry(entry)))
        }
        lines[3][10] ^= 0x01  // line 4
        do {
            _ = try JournalReplay.replay(lines.flatMap { $0 }, path: "x.checkpoint")
            Issue.record("expected CHECKPOINT_CORRUPT")
        } catch let error as IngestError {
            #expect(error.code == .checkpointCorrupt)
            #expect(error.message.contains("x.checkpoint:4:"))
        }
    }

    @Test func newerFormatIsRefused() throws {
        let header = JournalHeader(format: 99, toolVersion: "9", manifestPath: "m", manifestSHA256: "", createdAt: "")
        #expect(throws: IngestError.self) { _ = try JournalReplay.replay(JournalCodec.encode(.header(header))) }
    }

    @Test func packedStringsGiveBackExactlyTheirText() {
        let hex32 = "0123456789abcdef0fedcba987654321"
        let samples = [
            "asse_" + hex32, "/api/assets/asse_" + hex32 + "/", "/api/text-tracks/text_" + hex32 + "/",
            "/api/documents/docu_" + hex32 + "/", "/api/documents/docu_" + hex32, "0123456789abcdef",
            // Near misses stay text.
            "asse_" + hex32.uppercased(), "ASSE_" + hex32, "asse-" + hex32, "asse_" + hex32 + "0",
            "/api/assets/asse_" + hex32 + "x", "https://skylark.example/api/assets/asse_" + hex32 + "/",
            "/api/other/asse_" + hex32 + "/", "0123456789ABCDEF", "", "u", "café_" + hex32,
        ]
        for text in samples {
            #expect(PackedString(text).text == text)
        }
        #expect(PackedString(samples[0]) == PackedString("asse_" + hex32))
        #expect(PackedString(samples[0]) != PackedString("text_" + hex32))
    }

    @Test func packedFieldHashesGiveBackExactlyTheirText() {
        let definition = ItemDefinition(ManifestAsset(id: "a", title: "T", video: "v.mp4", videoPath: "/v.mp4",
                                                      location: SourceLocation(file: "m.yaml", line: 1, column: 1)))
        let canonical = definition.encodedFields
        let samples = [
            canonical,
            // Not the current shape: kept as text, still exact.
            canonical.uppercased(), canonical + ",extra=00000000", String(canonical.dropLast()),
            canonical.replacingOccurrences(of: "mode=", with: "mood="), canonical.replacingOccurrences(of: ",", with: ";"),
            "", "mode=1",
        ]
        for text in samples {
            #expect(PackedFieldHashes(text).text == text)
        }
        #expect(PackedFieldHashes(canonical) == PackedFieldHashes(definition.encodedFields))
        var state = ItemState(id: "a")
        state.definitionFields = canonical
        #expect(definition.changedFields(since: state.definitionFields).isEmpty)
    }

    @Test func boxedStageAndTrackDetailsReadBackWhatWasSet() {
        var stage = StageState()
        #expect(stage.isUntouched)
        stage.openIntents.append("create")
        stage.error = IngestError(code: ErrorCode(rawValue: "X"), message: "m")
        #expect(stage.openIntents == ["create"] && stage.error?.code.rawValue == "X" && !stage.isUntouched)
        stage.openIntents.removeAll()
        #expect(stage.error?.code.rawValue == "X" && !stage.isUntouched)
        stage.error = nil
        #expect(stage.isUntouched && stage == StageState())

        var track = TrackState(language: "fr")
        track.documentURL = "/api/documents/docu_0123456789abcdef0fedcba987654321/"
        track.uploadURL = "http://h/api/documents/x/upload/"
        #expect(track.documentURL == "/api/documents/docu_0123456789abcdef0fedcba987654321/")
        #expect(track.uploadURL == "http://h/api/documents/x/upload/")
        track.uploadURL = nil
        #expect(track.documentURL != nil && track.uploadURL == nil)
        track.documentURL = nil
        #expect(track == TrackState(language: "fr"))
    }
}
