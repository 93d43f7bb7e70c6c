/// The byte-level checks behind `VideoContainer.sniff`.
enum ContainerSniffer {
    /// Box types that may open an ISO-BMFF/QuickTime file when there is no `ftyp` box (old QuickTime).
    private static let quickTimeFirstBoxes: Set<String> = ["moov", "mdat", "free", "wide", "skip", "pnot"]

    /// An `ftyp` box at offset 0 (16…4096 bytes: major brand, minor version and whole compatible brands;
    /// printable major brand), or an old QuickTime first box.
    static func isISOBMFF(_ b: [UInt8]) -> Bool {
        guard b.count >= 8 else { return false }
        let size = UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
        guard b[4...7].allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return false }
        let type = String(decoding: b[4..<8], as: UTF8.self)
        if type == "ftyp" {
            guard size >= 16, size <= 4096, (size - 16) % 4 == 0 else { return false }
            if b.count >= 12 {
                // The major brand: four printable ASCII characters ("isom", "qt  ", "mp42", …).
                return b[8..<12].allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
            }
            return true
        }
        guard quickTimeFirstBoxes.contains(type) else { return false }
        return size == 0 || size == 1 || size >= 8
    }

    /// The 13-byte SMPTE key of an MXF partition pack; byte 13 is 0x02 for the header partition.
    private static let mxfPartitionKey: [UInt8] = [0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01,
                                                   0x0D, 0x01, 0x02, 0x01, 0x01]

    /// An MXF header partition pack key at the start or after a run-in within the sniffed bytes.
    static func isMXF(_ b: [UInt8]) -> Bool {
        let key = mxfPartitionKey
        guard b.count >= key.count else { return false }
        var offset = 0
        while offset + key.count <= b.count {
            if b[offset] == key[0] && b[offset..<(offset + key.count)].elementsEqual(key) {
                return offset + key.count == b.count || b[offset + key.count] == 0x02
            }
            offset += 1
        }
        return false
    }

    /// MPEG-TS sync bytes (0x47) every 188 bytes, or every 192 bytes after a 4-byte M2TS timestamp:
    /// at least two packets' worth must be present, and every packet start within the header must agree.
    static func isMPEGTS(_ b: [UInt8]) -> Bool {
        func syncs(first: Int, stride step: Int) -> Bool {
            guard b.count > first + step else { return false }
            var offset = first
            var checked = 0
            while offset < b.count && checked < 3 {
                guard b[offset] == 0x47 else { return false }
                offset += step
                checked += 1
            }
            return true
        }
        return syncs(first: 0, stride: 188) || syncs(first: 4, stride: 192)
    }

    /// The DocType of an EBML header at offset 0 (`matroska` when the header has none); nil when not EBML.
    static func ebmlDocType(_ b: [UInt8]) -> String? {
        guard b.count >= 4, b[0] == 0x1A, b[1] == 0x45, b[2] == 0xDF, b[3] == 0xA3 else { return nil }
        var reader = EBMLReader(bytes: b, offset: 4)
        guard let headerSize = reader.readSize() else { return nil }
        let headerEnd = headerSize.map { end(of: $0, from: reader.offset, limit: b.count) } ?? b.count
        while reader.offset < headerEnd {
            guard let id = reader.readID(), let size = reader.readSize(), let length = size else { return nil }
            let valueEnd = end(of: length, from: reader.offset, limit: Int.max)
            if id == 0x4282 {
                guard length <= 64, valueEnd <= b.count else { return nil }
                let value = b[reader.offset..<valueEnd].prefix { $0 != 0 }
                return String(decoding: value, as: UTF8.self)
            }
            // An element running past the sniffed bytes: the DocType was not among the first elements.
            guard valueEnd <= b.count else { return "matroska" }
            reader.offset = valueEnd
        }
        return "matroska"
    }
}

/// `offset + length`, saturating at `limit`.
private func end(of length: UInt64, from offset: Int, limit: Int) -> Int {
    let room = UInt64(limit - offset)
    return length >= room ? limit : offset + Int(length)
}

/// Reads EBML variable-length element ids and sizes.
struct EBMLReader {
    let bytes: [UInt8]
    var offset: Int

    /// An element id (1–4 bytes, marker bits kept); nil when malformed or truncated.
    mutating func readID() -> UInt32? {
        guard offset < bytes.count else { return nil }
        let first = bytes[offset]
        guard first != 0 else { return nil }
        let length = first.leadingZeroBitCount + 1
        guard length <= 4, offset + length <= bytes.count else { return nil }
        var value: UInt32 = 0
        for k in 0..<length { value = value << 8 | UInt32(bytes[offset + k]) }
        offset += length
        return value
    }

    /// An element size (1–8 bytes, marker bit removed): `.some(nil)` for the "unknown size" value;
    /// nil when malformed or truncated.
    mutating func readSize() -> UInt64?? {
        guard offset < bytes.count else { return nil }
        let first = bytes[offset]
        guard first != 0 else { return nil }
        let length = first.leadingZeroBitCount + 1
        guard offset + length <= bytes.count else { return nil }
        var value = UInt64(first) & ((1 << (8 - length)) - 1)
        var allOnes = value == (1 << (8 - length)) - 1
        for k in 1..<length {
            let byte = bytes[offset + k]
            value = value << 8 | UInt64(byte)
            allOnes = allOnes && byte == 0xFF
        }
        offset += length
        return .some(allOnes ? nil : value)
    }
}
