/// CRC-32 (IEEE, as zlib) for journal lines: the project's one CRC-32 (slicing-by-8).
///
/// It lives in IngestCore because the journal codec needs it and IngestCore uses no other module of ours.
enum JournalChecksum {
    /// Slicing-by-8 tables: table `k` (entries `k*256 ..< (k+1)*256`) advances the CRC over a byte
    /// followed by `k` zero bytes, so eight bytes are folded in per step.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var c = UInt32(index)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[index] = c
        }
        for k in 1..<8 {
            for index in 0..<256 {
                let previous = t[(k - 1) * 256 + index]
                t[k * 256 + index] = (previous >> 8) ^ t[Int(previous & 0xff)]
            }
        }
        return t
    }()

    /// CRC-32 of `bytes`.
    static func crc32(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        guard let base = bytes.baseAddress else { return 0 }
        var c: UInt32 = 0xFFFF_FFFF
        let count = bytes.count
        tables.withUnsafeBufferPointer { t in
            var index = 0
            let raw = UnsafeRawPointer(base)
            while index + 8 <= count {
                let low = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt32.self)) ^ c
                let high = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self))
                c = t[7 * 256 + Int(low & 0xff)] ^ t[6 * 256 + Int((low >> 8) & 0xff)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xff)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xff)] ^ t[2 * 256 + Int((high >> 8) & 0xff)]
                    ^ t[256 + Int((high >> 16) & 0xff)] ^ t[Int(high >> 24)]
                index += 8
            }
            while index < count {
                c = t[Int((c ^ UInt32(base[index])) & 0xff)] ^ (c >> 8)
                index += 1
            }
        }
        return ~c
    }

    /// CRC-32 of `bytes`.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { crc32($0) }
    }
}

/// FNV-1a 32 fed piece by piece: the hash of pieces added one after another is the hash of their
/// concatenation.
public struct FNV1a32: Sendable {
    public private(set) var value: UInt32 = 0x811c_9dc5

    public init() {}

    /// Adds `text`'s UTF-8 bytes.
    public mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes {
                value ^= UInt32(byte)
                value = value &* 0x0100_0193
            }
        }
    }

    /// Adds one byte.
    public mutating func add(_ byte: UInt8) {
        value ^= UInt32(byte)
        value = value &* 0x0100_0193
    }
}

/// FNV-1a 64-bit: a cheap, stable fingerprint for manifest drift detection (not a security hash).
public enum Fingerprint {
    /// FNV-1a 64 of `text`'s UTF-8 bytes, as 16 lower-case hex digits.
    public static func fnv1a64(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hex(hash, digits: 16)
    }

    /// FNV-1a 32 of `text`'s UTF-8 bytes.
    public static func fnv1a32(_ text: String) -> UInt32 {
        var hash = FNV1a32()
        hash.add(text)
        return hash.value
    }

    /// `value` as `digits` lower-case hex digits (zero padded).
    static func hex<T: FixedWidthInteger>(_ value: T, digits: Int) -> String {
        let text = String(value, radix: 16)
        return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
    }
}
