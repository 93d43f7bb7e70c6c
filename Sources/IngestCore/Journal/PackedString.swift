/// A string held without a heap allocation when it has one of the shapes a journal repeats for
/// every item: a Skylark uid (`asse_` + 32 hex digits), its API path (`/api/assets/<uid>/`), or a
/// 16-digit fingerprint. Anything else is kept as it is. Packing is exact: `text` gives back the
/// same string, and equal strings pack equally (so `==` and hashing agree with the strings').
struct PackedString: Sendable, Hashable {
    private enum Storage: Sendable, Hashable {
        case text(String)
        /// 16 lower-case hex digits.
        case fingerprint(UInt64)
        /// `paths[shape >> 1]` + 4 lower-case letters (`type`) + `_` + 32 lower-case hex digits
        /// + `/` when `shape & 1`.
        /// (The wide fields first: 21 bytes of payload instead of 24 with padding.)
        case uid(high: UInt64, low: UInt64, type: UInt32, shape: UInt8)
    }

    /// Path prefixes of Skylark objects (index 0: a bare uid).
    private static let paths = ["", "/api/assets/", "/api/text-tracks/", "/api/documents/"]

    private let storage: Storage

    /// The API path prefixes a uid can be given under (indexes of `paths`).
    enum APIPath: UInt8 {
        case assets = 1
        case textTracks = 2
        case documents = 3
    }

    private init(storage: Storage) { self.storage = storage }

    /// The packed `<path><uid>/` of this bare uid (nil when it is not a packed bare uid): equal to
    /// `PackedString(path + text + "/")` without building it.
    func apiPath(_ path: APIPath) -> PackedString? {
        guard case .uid(let high, let low, let type, let shape) = storage, shape == 0 else { return nil }
        return PackedString(storage: .uid(high: high, low: low, type: type, shape: path.rawValue << 1 | 1))
    }

    /// Packs `text`.
    init(_ text: String) {
        var text = text
        storage = text.withUTF8 { Self.pack($0) } ?? .text(text)
    }

    /// Packs the UTF-8 `bytes` (a string is only made when they have no packed shape).
    init(bytes: UnsafeBufferPointer<UInt8>) {
        storage = Self.pack(bytes) ?? .text(String(decoding: bytes, as: UTF8.self))
    }

    /// The string.
    var text: String {
        switch storage {
        case .text(let text): return text
        case .fingerprint(let value): return Self.hex(value, digits: 16)
        case .uid(let high, let low, let type, let shape):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(56)
            bytes.append(contentsOf: Self.paths[Int(shape >> 1)].utf8)
            for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: type >> UInt32(shift))) }
            bytes.append(UInt8(ascii: "_"))
            bytes.append(contentsOf: Self.hex(high, digits: 16).utf8)
            bytes.append(contentsOf: Self.hex(low, digits: 16).utf8)
            if shape & 1 == 1 { bytes.append(UInt8(ascii: "/")) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> Storage? {
        do {
            if bytes.count == 16, let value = hexValue(bytes, 0, 16) { return .fingerprint(value) }
            for shapeIndex in stride(from: paths.count - 1, through: 0, by: -1) {
                let path = paths[shapeIndex].utf8
                guard bytes.count >= path.count + 37, bytes.count <= path.count + 38,
                      path.elementsEqual(bytes[0..<path.count]) else { continue }
                let start = path.count
                let slash = bytes.count == start + 38
                if slash && bytes[start + 37] != UInt8(ascii: "/") { return nil }
                var type: UInt32 = 0
                for index in start..<(start + 4) {
                    let byte = bytes[index]
                    guard byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") else { return nil }
                    type = type << 8 | UInt32(byte)
                }
                guard bytes[start + 4] == UInt8(ascii: "_"),
                      let high = hexValue(bytes, start + 5, 16), let low = hexValue(bytes, start + 21, 16) else { return nil }
                return .uid(high: high, low: low, type: type, shape: UInt8(shapeIndex << 1) | (slash ? 1 : 0))
            }
            return nil
        }
    }

    /// The value of `count` lower-case hex digits at `start` (nil when any is not one).
    private static func hexValue(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> UInt64? {
        var value: UInt64 = 0
        for index in start..<(start + count) {
            let byte = bytes[index]
            let digit: UInt64
            switch byte {
            case 0x30...0x39: digit = UInt64(byte - 0x30)
            case 0x61...0x66: digit = UInt64(byte - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }

    private static func hex(_ value: UInt64, digits: Int) -> String { Fingerprint.hex(value, digits: digits) }
}
