import COpenSSL

/// An arbitrary-precision non-negative integer over OpenSSL's `BIGNUM`, immutable from Swift.
///
/// The `BIGNUM*` is owned by one private class (allocation and free in one place); every
/// operation returns a new value, so a `BigNum` is safe to share.
public struct BigNum: Sendable, Equatable, CustomStringConvertible {
    fileprivate final class Storage: @unchecked Sendable {
        let bn: OpaquePointer
        init() {
            guard let bn = BN_new() else { fatalError("BN_new failed: out of memory") }
            self.bn = bn
        }
        deinit { BN_clear_free(bn) }
    }

    fileprivate let storage: Storage

    fileprivate init(storage: Storage) { self.storage = storage }

    /// Zero.
    public init() { storage = Storage() }

    /// The integer with big-endian magnitude `bytes`.
    public init<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        storage = Storage()
        let array = Array(bytes)
        array.withUnsafeBufferPointer { buffer in
            _ = BN_bin2bn(buffer.baseAddress, Int32(buffer.count), storage.bn)
        }
    }

    /// Parses a hexadecimal string (either case, no prefix); nil when it is not hex.
    public init?(hex: String) {
        let cleaned = hex.filter { !$0.isWhitespace }
        guard !cleaned.isEmpty, cleaned.allSatisfy(\.isHexDigit) else { return nil }
        let storage = Storage()
        var pointer: OpaquePointer? = storage.bn
        let consumed = cleaned.withCString { BN_hex2bn(&pointer, $0) }
        guard consumed == Int32(cleaned.utf8.count) else { return nil }
        self.storage = storage
    }

    /// A small integer.
    public init(_ value: UInt) {
        storage = Storage()
        BN_set_word(storage.bn, value)
    }

    /// The minimal big-endian bytes of the value (empty for zero).
    public var bytes: [UInt8] {
        let count = Int((BN_num_bits(storage.bn) + 7) / 8)
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { _ = BN_bn2bin(storage.bn, $0.baseAddress) }
        return out
    }

    /// The big-endian bytes left-padded with zeros to `length`.
    public func bytes(paddedTo length: Int) -> [UInt8] {
        let raw = bytes
        return raw.count >= length ? raw : [UInt8](repeating: 0, count: length - raw.count) + raw
    }

    /// Lower-case hex without leading zeros ("0" for zero).
    public var hex: String {
        let raw = bytes
        if raw.isEmpty { return "0" }
        var text = Hex.encode(raw)
        while text.count > 1 && text.hasPrefix("0") { text.removeFirst() }
        return text
    }

    /// Whether the value is zero.
    public var isZero: Bool { BN_is_zero(storage.bn) == 1 }

    public var description: String { "BigNum(0x\(hex))" }

    public static func == (lhs: BigNum, rhs: BigNum) -> Bool { BN_cmp(lhs.storage.bn, rhs.storage.bn) == 0 }

    /// `self` raised to `exponent`, modulo `modulus`.
    public func power(_ exponent: BigNum, modulo modulus: BigNum) -> BigNum {
        binary { r, ctx in BN_mod_exp(r, storage.bn, exponent.storage.bn, modulus.storage.bn, ctx) }
    }

    /// `(self * other) mod modulus`.
    public func multiply(_ other: BigNum, modulo modulus: BigNum) -> BigNum {
        binary { r, ctx in BN_mod_mul(r, storage.bn, other.storage.bn, modulus.storage.bn, ctx) }
    }

    /// `(self + other) mod modulus`.
    public func add(_ other: BigNum, modulo modulus: BigNum) -> BigNum {
        binary { r, ctx in BN_mod_add(r, storage.bn, other.storage.bn, modulus.storage.bn, ctx) }
    }

    /// `(self - other) mod modulus`, always in `[0, modulus)`.
    public func subtract(_ other: BigNum, modulo modulus: BigNum) -> BigNum {
        binary { r, ctx in BN_mod_sub(r, storage.bn, other.storage.bn, modulus.storage.bn, ctx) }
    }

    /// `self mod modulus`, in `[0, modulus)`.
    public func modulo(_ modulus: BigNum) -> BigNum {
        binary { r, ctx in BN_nnmod(r, storage.bn, modulus.storage.bn, ctx) }
    }

    /// `self * other` (not reduced).
    public func multiply(_ other: BigNum) -> BigNum {
        binary { r, ctx in BN_mul(r, storage.bn, other.storage.bn, ctx) }
    }

    /// `self + other` (not reduced).
    public func add(_ other: BigNum) -> BigNum {
        binary { r, _ in BN_add(r, storage.bn, other.storage.bn) }
    }

    /// A uniformly random value of `byteCount` bytes from OpenSSL's CSPRNG.
    public static func random(byteCount: Int) -> BigNum {
        BigNum(bytes: SecureRandom.bytes(byteCount))
    }

    private func binary(_ body: (OpaquePointer, OpaquePointer) -> Int32) -> BigNum {
        let result = Storage()
        guard let ctx = BN_CTX_new() else { fatalError("BN_CTX_new failed: out of memory") }
        defer { BN_CTX_free(ctx) }
        precondition(body(result.bn, ctx) == 1, "BIGNUM operation failed")
        return BigNum(storage: result)
    }
}

/// Cryptographically secure random bytes from OpenSSL.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if count > 0 { precondition(RAND_bytes(&out, Int32(count)) == 1, "RAND_bytes failed") }
        return out
    }
}
