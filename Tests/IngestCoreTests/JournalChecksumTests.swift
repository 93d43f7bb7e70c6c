@testable import IngestCore
import Testing

/// The journal's CRC-32 (IEEE, as zlib), the project's only one.
@Suite struct JournalChecksumTests {
    @Test func matchesTheCheckValues() {
        #expect(JournalChecksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(JournalChecksum.crc32([UInt8]()) == 0)
        #expect(JournalChecksum.crc32(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }

    @Test func isZlibCRC32AtEveryLengthAndAlignment() {
        // Bit by bit, the definition, against the sliced table version.
        func reference(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var c: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                c ^= UInt32(byte)
                for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            }
            return ~c
        }
        let data = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for start in 0..<8 {
            for end in start...data.count {
                let slice = Array(data[start..<end])
                #expect(JournalChecksum.crc32(slice) == reference(data[start..<end]))
            }
        }
    }
}
