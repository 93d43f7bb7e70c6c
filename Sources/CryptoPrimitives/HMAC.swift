import COpenSSL

/// HMAC with libcrypto's one-shot `HMAC()`.
public enum HMAC {
    /// HMAC-SHA256 of `message` under `key`.
    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        authenticate(.sha256, key: key, message: message)
    }

    /// HMAC-SHA256 of the UTF-8 bytes of `message` under `key`.
    public static func sha256(key: [UInt8], message: String) -> [UInt8] {
        authenticate(.sha256, key: key, message: Array(message.utf8))
    }

    /// HMAC of `message` under `key` with `algorithm`.
    public static func authenticate(_ algorithm: DigestAlgorithm, key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                COpenSSL.HMAC(algorithm.evp, k.baseAddress, Int32(k.count),
                              m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count, &out, &length)
            }
        }
        precondition(result != nil, "HMAC failed")
        return Array(out.prefix(Int(length)))
    }
}
