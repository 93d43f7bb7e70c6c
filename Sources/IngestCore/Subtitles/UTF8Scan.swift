/// Strict UTF-8 validation over raw bytes (no overlong forms, no surrogates, nothing above U+10FFFF).
enum UTF8Scan {
    /// The offset of the first byte that does not belong to well-formed UTF-8, or nil when all are valid.
    static func firstInvalidOffset(_ bytes: [UInt8], from start: Int = 0) -> Int? {
        var i = start
        let count = bytes.count
        while i < count {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            guard i + 1 < count, bytes[i + 1] >= lower, bytes[i + 1] <= upper else { return i }
            var k = 2
            while k < length {
                guard i + k < count, bytes[i + k] & 0xC0 == 0x80 else { return i }
                k += 1
            }
            i += length
        }
        return nil
    }

    /// Whether `byte` starts a character (is not a UTF-8 continuation byte).
    @inline(__always)
    static func startsScalar(_ byte: UInt8) -> Bool { byte & 0xC0 != 0x80 }
}
