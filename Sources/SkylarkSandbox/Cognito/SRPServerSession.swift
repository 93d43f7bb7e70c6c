import CryptoPrimitives
import Foundation
import Skylark

extension SRPMath {
    /// The verifier `v = g^x mod N` a server stores instead of the password.
    public static func verifier(x: BigNum) -> BigNum {
        g.power(x, modulo: N)
    }

    /// The verifier for a user's password and salt; nil when the salt is not plain hex.
    public static func verifier(saltHex: String, poolName: String, userID: String, password: String) -> BigNum? {
        privateKey(saltHex: saltHex, poolName: poolName, userID: userID, password: password).map(verifier(x:))
    }

    /// The server's public value `B = (k·v + g^b) mod N`.
    public static func serverPublicValue(verifier: BigNum, privateValue b: BigNum) -> BigNum {
        k.multiply(verifier, modulo: N).add(g.power(b, modulo: N), modulo: N)
    }

    /// The server's premaster secret `S = (A·v^u)^b mod N` (equal to the client's).
    public static func serverPremasterSecret(A: BigNum, verifier: BigNum, u: BigNum, privateValue b: BigNum) -> BigNum {
        A.multiply(verifier.power(u, modulo: N), modulo: N).power(b, modulo: N)
    }

    /// A fresh 16-byte salt as minimal lower-case hex, as Cognito sends it.
    public static func randomSaltHex() -> String {
        BigNum(bytes: [0x01] + SecureRandom.bytes(15)).hex
    }
}

/// The server side of one SRP login, for an emulator that verifies claims for real: holds `b`,
/// publishes `B`, and checks a `PASSWORD_CLAIM_SIGNATURE`. Pure: `b` is a parameter.
public struct SRPServerSession: Sendable {
    /// The user's stored verifier `v`.
    public let verifier: BigNum
    /// The public ephemeral `B = (k·v + g^b) mod N`.
    public let publicValue: BigNum
    private let privateValue: BigNum

    /// Starts a session for a user with `verifier`; `privateValue` is random unless a test fixes it.
    public init(verifier: BigNum, privateValue: BigNum = SRPMath.randomPrivateValue()) {
        self.verifier = verifier
        self.privateValue = privateValue
        self.publicValue = SRPMath.serverPublicValue(verifier: verifier, privateValue: privateValue)
    }

    /// `SRP_B` as sent: minimal lower-case hex.
    public var srpB: String { publicValue.hex }

    /// The 16-byte password authentication key for the client's `SRP_A`.
    public func passwordAuthenticationKey(srpA: String) throws -> [UInt8] {
        guard let A = BigNum(hex: srpA), !A.modulo(SRPMath.N).isZero else {
            throw SRPError(.invalidClientPublicValue)
        }
        let u = BigNum(bytes: SRPMath.scramblerDigest(A: A, B: publicValue))
        guard !u.isZero else { throw SRPError(.zeroScrambler) }
        let S = SRPMath.serverPremasterSecret(A: A, verifier: verifier, u: u, privateValue: privateValue)
        return SRPMath.passwordAuthenticationKey(u: u, S: S)
    }

    /// Whether `signature` (base64) is the right `PASSWORD_CLAIM_SIGNATURE` for this exchange.
    /// Compares in constant time; a malformed `SRP_A` or signature is simply not valid.
    public func verifyClaim(srpA: String, poolName: String, userIDForSRP: String, secretBlock: [UInt8],
                            timestamp: String, signature: String) -> Bool {
        guard let key = try? passwordAuthenticationKey(srpA: srpA),
              let given = Data(base64Encoded: signature) else { return false }
        let message = SRPMath.claimMessage(poolName: poolName, userID: userIDForSRP, secretBlock: secretBlock,
                                           timestamp: timestamp)
        let expected = HMAC.sha256(key: key, message: message)
        guard given.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(given, expected) { difference |= a ^ b }
        return difference == 0
    }
}
