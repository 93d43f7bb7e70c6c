/// CRC-32 (IEEE 802.3, as zlib) and CRC-32C (Castagnoli, as S3 checksums), table-driven.
public enum CRC32 {
    private static let ieeeTable: [UInt32] = makeTable(polynomial: 0xEDB8_8320)
    private static let castagnoliTable: [UInt32] = makeTable(polynomial: 0x82F6_3B78)

    private static func makeTable(polynomial: UInt32) -> [UInt32] {
        (0..<256).map { index -> UInt32 in
            var c = UInt32(index)
            for _ in 0..<8 { c = (c & 1) != 0 ? polynomial ^ (c >> 1) : c >> 1 }
            return c
        }
    }

    /// CRC-32 (IEEE) of `bytes`, continuing from `crc` (0 to start).
    public static func ieee<Bytes: Sequence>(_ bytes: Bytes, crc: UInt32 = 0) -> UInt32 where Bytes.Element == UInt8 {
        update(bytes, crc: crc, table: ieeeTable)
    }

    /// CRC-32C (Castagnoli) of `bytes`, continuing from `crc` (0 to start).
    public static func castagnoli<Bytes: Sequence>(_ bytes: Bytes, crc: UInt32 = 0) -> UInt32 where Bytes.Element == UInt8 {
        update(bytes, crc: crc, table: castagnoliTable)
    }

    private static func update<Bytes: Sequence>(_ bytes: Bytes, crc: UInt32, table: [UInt32]) -> UInt32 where Bytes.Element == UInt8 {
        var c = ~crc
        table.withUnsafeBufferPointer { t in
            for byte in bytes { c = t[Int((c ^ UInt32(byte)) & 0xff)] ^ (c >> 8) }
        }
        return ~c
    }
}
