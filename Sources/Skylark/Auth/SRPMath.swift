import CryptoPrimitives
import Foundation
import IngestCore

/// The SRP-6a arithmetic of Cognito's `USER_SRP_AUTH`, pure and with every random value injectable.
///
/// Group: the 3072-bit MODP prime of RFC 3526 (group 15), `g = 2`, `H = SHA-256`. "PAD" is the
/// shortest big-endian two's-complement form of a positive integer (Java's `BigInteger.toByteArray()`),
/// not a pad to the length of `N`: see `Tests/IngestTestSupport/Vectors/cognito-srp/README.md`.
public enum SRPMath {
    /// The group prime `N` (RFC 3526, 3072 bits).
    public static let N: BigNum = BigNum(hex: [
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
        "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
        "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
        "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
        "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
        "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
        "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
        "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    ].joined())!

    /// The generator `g = 2`.
    public static let g = BigNum(2)

    /// The multiplier `k = H(PAD(N) || PAD(g))`.
    public static let k: BigNum = BigNum(bytes: Digest.sha256(pad(N) + pad(g)))

    /// The HKDF info string Cognito uses (followed by the counter byte 0x01).
    static let derivedKeyInfo = Array("Caldera Derived Key".utf8)

    // MARK: Padding

    /// PAD(n): the minimal big-endian bytes of `n`, with a `00` byte in front when the high bit is set.
    public static func pad(_ n: BigNum) -> [UInt8] {
        let bytes = n.bytes
        guard let first = bytes.first else { return [0] }
        return first & 0x80 != 0 ? [0] + bytes : bytes
    }

    /// PAD applied to a hex string as Cognito sends it (the SALT): one `0` in front of an odd-length
    /// string, else `00` in front of one starting with `8`–`f`; nil when the string is not plain hex.
    public static func pad(hexString: String) -> [UInt8]? {
        guard let first = hexString.first, hexString.allSatisfy(\.isHexDigit) else { return nil }
        let padded: String
        if hexString.count % 2 == 1 {
            padded = "0" + hexString
        } else if "89abcdefABCDEF".contains(first) {
            padded = "00" + hexString
        } else {
            padded = hexString
        }
        return Hex.decode(padded)
    }

    // MARK: Client values

    /// A fresh private ephemeral `a` (128 random bytes reduced mod N, as the reference clients do).
    public static func randomPrivateValue() -> BigNum {
        BigNum.random(byteCount: 128).modulo(N)
    }

    /// The public ephemeral `g^e mod N` for a private value `e` (the client's `A`).
    public static func publicValue(privateValue: BigNum) -> BigNum {
        g.power(privateValue, modulo: N)
    }

    /// The 32-byte digest `H(PAD(A) || PAD(B))`; as a number it is the scrambler `u`.
    public static func scramblerDigest(A: BigNum, B: BigNum) -> [UInt8] {
        Digest.sha256(pad(A) + pad(B))
    }

    /// The pool name: the part of a pool id after `_` (`eu-west-1_Sandbox1` → `Sandbox1`).
    public static func poolName(poolID: String) -> String {
        guard let underscore = poolID.firstIndex(of: "_") else { return poolID }
        return String(poolID[poolID.index(after: underscore)...])
    }

    /// `H(poolName || userID || ":" || password)` over UTF-8 bytes.
    public static func userPasswordHash(poolName: String, userID: String, password: String) -> [UInt8] {
        Digest.sha256(Array("\(poolName)\(userID):\(password)".utf8))
    }

    /// The private key `x = H(PAD(SALT) || H(poolName || userID || ":" || password))`; nil for a bad salt.
    public static func privateKey(saltHex: String, poolName: String, userID: String, password: String) -> BigNum? {
        guard let salt = pad(hexString: saltHex) else { return nil }
        return BigNum(bytes: Digest.sha256(salt + userPasswordHash(poolName: poolName, userID: userID,
                                                                   password: password)))
    }

    /// The client's premaster secret `S = (B − k·g^x)^(a + u·x) mod N`.
    public static func clientPremasterSecret(B: BigNum, x: BigNum, a: BigNum, u: BigNum) -> BigNum {
        let kgx = k.multiply(g.power(x, modulo: N), modulo: N)
        let base = B.subtract(kgx, modulo: N)
        let exponent = a.add(u.multiply(x))
        return base.power(exponent, modulo: N)
    }

    // MARK: Key derivation and claim

    /// The HKDF pseudo-random key: `HMAC-SHA256(key = PAD(u), message = PAD(S))`.
    public static func hkdfPseudoRandomKey(u: BigNum, S: BigNum) -> [UInt8] {
        HMAC.sha256(key: pad(u), message: pad(S))
    }

    /// The 16-byte password authentication key: `HMAC-SHA256(PRK, "Caldera Derived Key" || 0x01)[0..<16]`.
    public static func passwordAuthenticationKey(u: BigNum, S: BigNum) -> [UInt8] {
        let prk = hkdfPseudoRandomKey(u: u, S: S)
        return Array(HMAC.sha256(key: prk, message: derivedKeyInfo + [0x01]).prefix(16))
    }

    /// The signed claim: `poolName || userID || secretBlock || timestamp` (UTF-8 for the strings).
    public static func claimMessage(poolName: String, userID: String, secretBlock: [UInt8], timestamp: String) -> [UInt8] {
        Array(poolName.utf8) + Array(userID.utf8) + secretBlock + Array(timestamp.utf8)
    }

    /// `PASSWORD_CLAIM_SIGNATURE` = base64(HMAC-SHA256(key, claim message)).
    public static func claimSignature(key: [UInt8], message: [UInt8]) -> String {
        Data(HMAC.sha256(key: key, message: message)).base64EncodedString()
    }

    /// `SECRET_HASH` = base64(HMAC-SHA256(key = client secret, message = username || client id)).
    public static func secretHash(username: String, clientID: String, clientSecret: Secret) -> String {
        Data(HMAC.sha256(key: Array(clientSecret.revealed.utf8), message: username + clientID)).base64EncodedString()
    }
}
