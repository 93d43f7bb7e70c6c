import CryptoPrimitives
import Foundation

/// The server side of Cognito's SRP-6a (3072-bit RFC 3526 group, SHA-256, Cognito's padding rules).
///
/// Pure functions over `BigNum`; the wire values are minimal hex. Checked against the server values
/// of the shared `cognito-srp` vectors (verifier, B, S, key, signature).
enum SRPServerMath {
    /// N: the 3072-bit MODP prime of RFC 3526 (group 15).
    static let N = BigNum(hex: """
        FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD\
        EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED\
        EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F\
        83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B\
        E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510\
        15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7\
        ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C\
        BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF
        """)!
    static let g = BigNum(2)

    /// Java `BigInteger.toByteArray()` form of a non-negative value: minimal bytes, `00` in front when the
    /// top bit is set, `[0]` for zero.
    static func pad(_ n: BigNum) -> [UInt8] {
        let bytes = n.bytes
        guard let first = bytes.first else { return [0] }
        return first >= 0x80 ? [0] + bytes : bytes
    }

    /// k = H(PAD(N) || PAD(g)).
    static let k = BigNum(bytes: Digest.sha256(pad(N) + pad(g)))

    /// x = H(PAD(salt) || H(poolName || userID || ":" || password)).
    static func x(salt: BigNum, poolName: String, userID: String, password: String) -> BigNum {
        let inner = Digest.sha256(Array("\(poolName)\(userID):\(password)".utf8))
        return BigNum(bytes: Digest.sha256(pad(salt) + inner))
    }

    /// The verifier v = g^x mod N.
    static func verifier(salt: BigNum, poolName: String, userID: String, password: String) -> BigNum {
        g.power(x(salt: salt, poolName: poolName, userID: userID, password: password), modulo: N)
    }

    /// B = (k·v + g^b) mod N.
    static func publicB(verifier v: BigNum, b: BigNum) -> BigNum {
        k.multiply(v, modulo: N).add(g.power(b, modulo: N), modulo: N)
    }

    /// u = H(PAD(A) || PAD(B)).
    static func u(A: BigNum, B: BigNum) -> BigNum {
        BigNum(bytes: Digest.sha256(pad(A) + pad(B)))
    }

    /// The server's S = (A · v^u)^b mod N.
    static func serverS(A: BigNum, verifier v: BigNum, u: BigNum, b: BigNum) -> BigNum {
        A.multiply(v.power(u, modulo: N), modulo: N).power(b, modulo: N)
    }

    /// The 16-byte HKDF key: PRK = HMAC(PAD(u), PAD(S)); key = HMAC(PRK, "Caldera Derived Key" || 1)[..16].
    static func key(u: BigNum, S: BigNum) -> [UInt8] {
        let prk = HMAC.sha256(key: pad(u), message: pad(S))
        return Array(HMAC.sha256(key: prk, message: Array("Caldera Derived Key".utf8) + [1]).prefix(16))
    }

    /// base64(HMAC(key, poolName || userID || secretBlock || timestamp)).
    static func signature(key: [UInt8], poolName: String, userID: String, secretBlock: [UInt8], timestamp: String) -> String {
        let message = Array(poolName.utf8) + Array(userID.utf8) + secretBlock + Array(timestamp.utf8)
        return Data(HMAC.sha256(key: key, message: message)).base64EncodedString()
    }

    /// base64(HMAC(clientSecret, username || clientID)).
    static func secretHash(clientSecret: String, username: String, clientID: String) -> String {
        Data(HMAC.sha256(key: Array(clientSecret.utf8), message: username + clientID)).base64EncodedString()
    }

    /// Whether `timestamp` has Cognito's `EEE MMM d HH:mm:ss UTC yyyy` shape (day not zero-padded).
    static func isValidTimestamp(_ timestamp: String) -> Bool {
        let parts = timestamp.split(separator: " ", omittingEmptySubsequences: false)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, days.contains(String(parts[0])), months.contains(String(parts[1])),
              let day = Int(parts[2]), (1...31).contains(day), String(day) == parts[2],
              parts[4] == "UTC", parts[5].count == 4, Int(parts[5]) != nil else { return false }
        let clock = parts[3].split(separator: ":", omittingEmptySubsequences: false)
        return clock.count == 3 && clock.allSatisfy { $0.count == 2 && Int($0) != nil }
    }
}
