/// Parses the `data` object of an item summary record straight into an `ItemState`.
///
/// The replay of a compacted journal is one such line per item; building a dictionary per line and
/// looking every field up again cost most of the resume time. The result must equal what
/// `ItemState.apply` makes of the same record through the generic path (a test checks it).
enum ItemSummaryDecoder {
    /// Parses the object at the parser's position into the state of item `id`.
    static func decode(_ parser: inout JournalJSON.Parser, id: String) throws -> ItemState {
        var item = ItemState(id: id)
        var rest: [String: JSONValue] = [:]
        try forEachMember(&parser) { name, parser in
            switch JournalKey(rawValue: name) {
            case .definition?: item.packedDefinition = try packed(&parser)
            case .fields?: item.definitionFields = try string(&parser)
            case .assetUID?: if let v = try packed(&parser) { item.packedAssetUID = v }
            case .assetURL?: if let v = try packed(&parser) { item.packedAssetURL = v }
            case .bucket?: if let v = try string(&parser) { item.bucket = v }
            case .key?: if let v = try string(&parser) { item.key = v }
            case .etag?: if let v = try string(&parser) { item.etag = v }
            case .tracks?:
                let value = parser.index < parser.bytes.count ? parser.bytes[parser.index] : 0
                guard value == UInt8(ascii: "[") else { rest[name] = try parser.value(depth: 2); return }
                try decodeTracks(&parser, into: &item)
            case nil:
                if let (stage, key) = StageKey.parse(name), key == .status {
                    item[stage].status = try string(&parser).flatMap(StageStatus.init(rawValue:)) ?? .pending
                } else {
                    rest[name] = try parser.value(depth: 2)
                }
            default: rest[name] = try parser.value(depth: 2)
            }
        }
        // The other members (open intents and errors, the rest of the results) through the generic table.
        let data = JournalData(rest)
        for stage in ItemState.workStages { item.applyStageDetail(data, to: stage) }
        if !rest.isEmpty { item.applyResults(data) }
        return item
    }

    private static func decodeTracks(_ parser: inout JournalJSON.Parser, into item: inout ItemState) throws {
        parser.index += 1
        parser.skipSpace()
        if parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "]") { parser.index += 1; return }
        while true {
            parser.skipSpace()
            guard parser.index < parser.bytes.count else { throw parser.fail("unterminated array") }
            if parser.bytes[parser.index] == UInt8(ascii: "{") {
                var language: String?, uploaded: Bool?
                var track = TrackState(language: "")
                try forEachMember(&parser) { name, parser in
                    switch JournalKey(rawValue: name) {
                    case .language?: language = try string(&parser)
                    case .textTrackUID?: track.packedTextTrackUID = try packed(&parser) ?? track.packedTextTrackUID
                    case .textTrackURL?: track.packedTextTrackURL = try packed(&parser) ?? track.packedTextTrackURL
                    case .documentUID?: track.packedDocumentUID = try packed(&parser) ?? track.packedDocumentUID
                    case .documentURL?: track.packedDocumentURL = try packed(&parser) ?? track.packedDocumentURL
                    case .uploadURL?: track.uploadURL = try string(&parser) ?? track.uploadURL
                    case .uploaded?: uploaded = try parser.value(depth: 3).boolValue
                    case .existingTextTracks?:
                        track.existingTextTrackURLs = JournalData.strings(try parser.value(depth: 3)) ?? track.existingTextTrackURLs
                    default: _ = try parser.value(depth: 3)
                    }
                }
                if let language {
                    track.language = language
                    item.mergeTrack(track, uploaded: uploaded)
                }
            } else {
                _ = try parser.value(depth: 3)
            }
            parser.skipSpace()
            guard parser.index < parser.bytes.count else { throw parser.fail("unterminated array") }
            if parser.bytes[parser.index] == UInt8(ascii: ",") { parser.index += 1; continue }
            if parser.bytes[parser.index] == UInt8(ascii: "]") { parser.index += 1; return }
            throw parser.fail("expected ',' or ']'")
        }
    }

    /// Calls `body` with each member's key, the parser positioned at its value (which `body` consumes).
    private static func forEachMember(_ parser: inout JournalJSON.Parser,
                                      _ body: (String, inout JournalJSON.Parser) throws -> Void) throws {
        parser.skipSpace()
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "{") else {
            throw parser.fail("expected an object")
        }
        parser.index += 1
        parser.skipSpace()
        if parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "}") { parser.index += 1; return }
        while true {
            parser.skipSpace()
            let key = try parser.string()
            parser.skipSpace()
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else {
                throw parser.fail("expected ':'")
            }
            parser.index += 1
            parser.skipSpace()
            try body(key, &parser)
            parser.skipSpace()
            guard parser.index < parser.bytes.count else { throw parser.fail("unterminated object") }
            if parser.bytes[parser.index] == UInt8(ascii: ",") { parser.index += 1; continue }
            if parser.bytes[parser.index] == UInt8(ascii: "}") { parser.index += 1; return }
            throw parser.fail("expected ',' or '}'")
        }
    }

    /// A string value packed straight from the line's bytes, or nil (the value skipped) when the
    /// value is not a string.
    private static func packed(_ parser: inout JournalJSON.Parser) throws -> PackedString? {
        if let span = try parser.plainString() { return PackedString(bytes: span) }
        return try string(&parser).map(PackedString.init)
    }

    /// A string value, or nil (the value skipped) when the value is not a string.
    private static func string(_ parser: inout JournalJSON.Parser) throws -> String? {
        if parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") { return try parser.string() }
        _ = try parser.value(depth: 3)
        return nil
    }
}
