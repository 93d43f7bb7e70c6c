/// Why a journal line could not be decoded.
public enum JournalDecodeError: Error, Sendable, Hashable {
    /// The CRC at the end of the line does not match its contents (torn or corrupted write).
    case checksumMismatch
    /// The line has no `"crc"` trailer: cut short, or not a journal line.
    case missingChecksum
    /// The checksum matched but the JSON is not a journal record.
    case malformed(String)
}

/// Encodes journal records as single JSON lines ending in a CRC-32 of the line.
///
/// A line is a JSON object whose last member is `"crc":"<8 hex>"`; the CRC covers every byte
/// before the `,"crc"` (the object without its closing brace). Each line is therefore valid
/// JSON (`jq` reads the journal) and self-checking: a torn tail or a flipped bit fails the CRC.
public enum JournalCodec {
    /// `,"crc":"` + 8 hex digits + `"}`.
    static let trailerLength = 18

    /// The line for `record`, including the trailing newline.
    public static func encode(_ record: JournalRecord) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        switch record {
        case .header(let header):
            out.append(contentsOf: Array(#"{"type":"header","format":"#.utf8))
            out.append(contentsOf: Array(String(header.format).utf8))
            out.append(contentsOf: Array(#","tool":"#.utf8))
            JournalJSON.writeString(header.toolVersion, into: &out)
            out.append(contentsOf: Array(#","manifest":"#.utf8))
            JournalJSON.writeString(header.manifestPath, into: &out)
            out.append(contentsOf: Array(#","manifest_sha256":"#.utf8))
            JournalJSON.writeString(header.manifestSHA256, into: &out)
            out.append(contentsOf: Array(#","created_at":"#.utf8))
            JournalJSON.writeString(header.createdAt, into: &out)
            if let shard = header.shard {
                out.append(contentsOf: Array(#","shard":"#.utf8))
                JournalJSON.writeString(shard, into: &out)
            }
        case .entry(let entry):
            out.append(contentsOf: Array(#"{"seq":"#.utf8))
            out.append(contentsOf: Array(String(entry.seq).utf8))
            out.append(contentsOf: Array(#","item":"#.utf8))
            JournalJSON.writeString(entry.item, into: &out)
            out.append(contentsOf: Array(#","stage":""#.utf8))
            out.append(contentsOf: Array(entry.stage.rawValue.utf8))
            out.append(contentsOf: Array(#"","event":""#.utf8))
            out.append(contentsOf: Array(entry.event.rawValue.utf8))
            out.append(UInt8(ascii: "\""))
            if let op = entry.op {
                out.append(contentsOf: Array(#","op":"#.utf8))
                JournalJSON.writeString(op, into: &out)
            }
            if !entry.data.isEmpty {
                out.append(contentsOf: Array(#","data":"#.utf8))
                JournalJSON.writeObject(entry.data, into: &out)
            }
            out.append(contentsOf: Array(#","at":"#.utf8))
            JournalJSON.writeString(entry.at, into: &out)
        }
        let crc = JournalChecksum.crc32(out)
        out.append(contentsOf: Array(#","crc":""#.utf8))
        out.append(contentsOf: Array(Fingerprint.hex(crc, digits: 8).utf8))
        out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "}"), 0x0A])
        return out
    }

    /// Decodes one line (without its newline).
    public static func decode(_ line: [UInt8]) throws(JournalDecodeError) -> JournalRecord {
        try line.withUnsafeBufferPointer { buffer throws(JournalDecodeError) in try decode(buffer) }
    }

    /// Decodes one line (without its newline).
    public static func decode(_ line: UnsafeBufferPointer<UInt8>) throws(JournalDecodeError) -> JournalRecord {
        switch try decode(line, direct: false) {
        case .record(let record): return record
        case .item(let seq, let item):  // not reached: only `direct` decoding gives items
            var entry = item.summaryEntry()
            entry.seq = seq
            return .entry(entry)
        }
    }

    /// What a line gives the replay: a record, or an item summary decoded straight into its state.
    enum ReplayLine {
        case record(JournalRecord)
        case item(seq: UInt64, ItemState)
    }

    /// Decodes one line for the replay: item summaries (format 2) go straight into an `ItemState`
    /// without a dictionary per line.
    static func decodeForReplay(_ line: UnsafeBufferPointer<UInt8>) throws(JournalDecodeError) -> ReplayLine {
        try decode(line, direct: true)
    }

    private static func decode(_ line: UnsafeBufferPointer<UInt8>, direct: Bool) throws(JournalDecodeError) -> ReplayLine {
        let count = line.count
        guard count > trailerLength else { throw .missingChecksum }
        let trailerStart = count - trailerLength
        let prefix = #","crc":""#.utf8
        for (offset, byte) in prefix.enumerated() where line[trailerStart + offset] != byte {
            throw .missingChecksum
        }
        guard line[count - 2] == UInt8(ascii: "\""), line[count - 1] == UInt8(ascii: "}") else {
            throw .missingChecksum
        }
        var expected: UInt32 = 0
        for index in (trailerStart + 8)..<(trailerStart + 16) {
            let byte = line[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw .checksumMismatch
            }
            expected = expected << 4 | digit
        }
        let body = UnsafeBufferPointer(rebasing: line[0..<trailerStart])
        guard JournalChecksum.crc32(body) == expected else { throw .checksumMismatch }
        // Parse the object member by member: the body is the object without its closing brace.
        // Only `data` becomes a dictionary; the fixed members go straight into the record.
        var parser = JournalJSON.Parser(bytes: body, implicitClose: true)
        var seq: Double?, item: String?, stage: String?, event: String?, op: String?, at = "", atMilliseconds: Int64 = 0
        var data: [String: JSONValue] = [:]
        var directItem: ItemState?
        var type: String?, format: Double?, tool = "", manifest = "", sha = "", created = "", shard: String?
        do {
            guard body[0] == UInt8(ascii: "{") else { throw JournalDecodeError.malformed("not an object") }
            parser.index = 1
            while true {
                parser.skipSpace()
                let key = try parser.string()
                parser.skipSpace()
                guard parser.index < body.count, body[parser.index] == UInt8(ascii: ":") else {
                    throw JournalDecodeError.malformed("expected ':'")
                }
                parser.index += 1
                parser.skipSpace()
                switch key {
                case "seq": seq = try parser.number()
                case "item": item = try parser.string()
                case "stage": stage = try parser.string()
                case "event": event = try parser.string()
                case "op": op = try parser.string()
                case "at":
                    // The replay needs only the time (an item's first and last record): no string is built.
                    if direct {
                        if let span = try parser.plainString() {
                            atMilliseconds = JournalTime.milliseconds(bytes: span) ?? 0
                        } else {
                            try parser.skipString()
                        }
                    } else {
                        at = try parser.string()
                    }
                case "data":
                    // The writer puts `item`, `stage` and `event` before `data`.
                    if direct, stage == "validate", event == "summary", let item {
                        directItem = try ItemSummaryDecoder.decode(&parser, id: item)
                    } else if case .object(let fields) = try parser.value(depth: 1) {
                        data = fields
                    }
                case "type": type = try parser.string()
                case "format": format = try parser.number()
                case "tool": tool = try parser.string()
                case "manifest": manifest = try parser.string()
                case "manifest_sha256": sha = try parser.string()
                case "created_at": created = try parser.string()
                case "shard": shard = try parser.string()
                default: _ = try parser.value(depth: 1)
                }
                parser.skipSpace()
                if parser.index == body.count { break }
                guard body[parser.index] == UInt8(ascii: ",") else { throw JournalDecodeError.malformed("expected ','") }
                parser.index += 1
            }
        } catch let error as JournalDecodeError {
            throw error
        } catch {
            throw .malformed("not JSON")
        }
        if type == "header" {
            guard let format else { throw .malformed("header without format") }
            return .record(.header(JournalHeader(format: Int(format), toolVersion: tool, manifestPath: manifest,
                                                 manifestSHA256: sha, createdAt: created, shard: shard)))
        }
        guard let seq, seq >= 0, let item, let stage = stage.flatMap(Stage.init(rawValue:)),
              let event = event.flatMap(JournalEvent.init(rawValue:)) else {
            throw .malformed("entry without seq, item, stage or event")
        }
        if let directItem { return .item(seq: UInt64(seq), directItem) }
        var entry = JournalEntry(seq: UInt64(seq), item: item, stage: stage, event: event, op: op, data: data, at: at)
        entry.atMilliseconds = atMilliseconds
        return .record(.entry(entry))
    }
}

extension JSONValue {
    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The number as an integer, when this is a whole number.
    public var int64Value: Int64? {
        if case .number(let n) = self, n.rounded() == n, abs(n) < 9e18 { return Int64(n) }
        return nil
    }

    /// The boolean, when this is one.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// This value as canonical JSON text (sorted keys, no spaces).
    public var canonicalJSON: String {
        var out: [UInt8] = []
        JournalJSON.write(self, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses JSON text into a value (nil when it is not valid JSON).
    public static func parse(_ text: String) -> JSONValue? {
        let bytes = Array(text.utf8)
        return try? bytes.withUnsafeBufferPointer { try JournalJSON.parse($0) }
    }
}
