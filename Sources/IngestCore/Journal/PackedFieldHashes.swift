/// An item definition's per-field hashes as the journal records them (`mode=1a2b3c4d,uid=…`, see
/// `ItemDefinition.encodedFields`), held as nine 32-bit integers when the text has exactly that
/// shape, and as the text otherwise (a journal from a version with other fields). Packing is exact:
/// `text` gives back the same string.
///
/// Every item of a run keeps one: 36 bytes inline instead of a 126-byte string on the heap.
struct PackedFieldHashes: Sendable, Hashable {
    private enum Storage: Sendable, Hashable {
        case hashes(Hashes)
        case text(String)
    }

    /// Nine hashes, two per word (a fixed-size inline value; a tuple is neither Hashable nor Equatable).
    private struct Hashes: Sendable, Hashable {
        var words: (UInt64, UInt64, UInt64, UInt64)
        var last: UInt32

        init?(_ values: [UInt32]) {
            guard values.count == 9 else { return nil }
            func pair(_ i: Int) -> UInt64 { UInt64(values[i]) << 32 | UInt64(values[i + 1]) }
            words = (pair(0), pair(2), pair(4), pair(6))
            last = values[8]
        }

        var values: [UInt32] {
            [words.0, words.1, words.2, words.3].flatMap { [UInt32(truncatingIfNeeded: $0 >> 32), UInt32(truncatingIfNeeded: $0)] }
                + [last]
        }

        static func == (a: Hashes, b: Hashes) -> Bool {
            a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
                && a.last == b.last
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
            hasher.combine(last)
        }
    }

    private let storage: Storage

    /// Packs `text`.
    init(_ text: String) {
        var text = text
        if let values = text.withUTF8(Self.parse), let hashes = Hashes(values) {
            storage = .hashes(hashes)
        } else {
            storage = .text(text)
        }
    }

    /// The recorded text.
    var text: String {
        switch storage {
        case .hashes(let hashes): return Self.encode(hashes.values)
        case .text(let text): return text
        }
    }

    /// The journal text of `hashes` (in `ItemDefinition.fieldNames` order).
    static func encode(_ hashes: [UInt32]) -> String {
        zip(ItemDefinition.fieldNames, hashes).map { "\($0)=\(Fingerprint.hex($1, digits: 8))" }.joined(separator: ",")
    }

    /// The field names as bytes, each followed by `=`.
    private static let prefixes: [[UInt8]] = ItemDefinition.fieldNames.map { Array(($0 + "=").utf8) }

    /// The hashes of `bytes` when they name exactly `ItemDefinition.fieldNames`, in order, each with
    /// eight lower-case hex digits and separated by commas: exactly what `encode` writes, so the
    /// packed value gives back the same text. (A replay parses one per item: bytes, no substrings.)
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt32]? {
        var values: [UInt32] = []
        values.reserveCapacity(prefixes.count)
        var at = 0
        for (n, prefix) in prefixes.enumerated() {
            if n > 0 {
                guard at < bytes.count, bytes[at] == UInt8(ascii: ",") else { return nil }
                at += 1
            }
            guard bytes.count - at >= prefix.count + 8 else { return nil }
            for byte in prefix {
                guard bytes[at] == byte else { return nil }
                at += 1
            }
            var value: UInt32 = 0
            for _ in 0..<8 {
                let byte = bytes[at]
                switch byte {
                case 0x30...0x39: value = value << 4 | UInt32(byte - 0x30)
                case 0x61...0x66: value = value << 4 | UInt32(byte - 0x61 + 10)
                default: return nil
                }
                at += 1
            }
            values.append(value)
        }
        return at == bytes.count ? values : nil
    }
}
