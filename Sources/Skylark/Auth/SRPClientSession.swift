import CryptoPrimitives
import Foundation
import IngestCore

/// One client-side SRP login: holds the private ephemeral `a`, builds `InitiateAuth`'s
/// `AuthParameters` and answers the `PASSWORD_VERIFIER` challenge. Pure: the random value and the
/// clock are parameters.
public struct SRPClientSession: Sendable {
    /// The user pool id (`eu-west-1_AbCdEf123`).
    public let poolID: String
    /// The part of the pool id after `_`, used in `x` and the claim.
    public let poolName: String
    /// The public ephemeral `A = g^a mod N`.
    public let publicValue: BigNum
    private let privateValue: BigNum

    /// Starts a session; `privateValue` is random unless a test fixes it.
    public init(poolID: String, privateValue: BigNum = SRPMath.randomPrivateValue()) {
        self.poolID = poolID
        self.poolName = SRPMath.poolName(poolID: poolID)
        self.privateValue = privateValue
        self.publicValue = SRPMath.publicValue(privateValue: privateValue)
    }

    /// `SRP_A` as sent: minimal lower-case hex, not padded.
    public var srpA: String { publicValue.hex }

    /// `InitiateAuth` `AuthParameters`: `USERNAME`, `SRP_A`, and `SECRET_HASH` over the login name
    /// when the app client has a secret.
    public func authParameters(username: String, clientID: String, clientSecret: Secret?) -> [String: String] {
        var parameters = ["USERNAME": username, "SRP_A": srpA]
        if let clientSecret {
            parameters["SECRET_HASH"] = SRPMath.secretHash(username: username, clientID: clientID,
                                                           clientSecret: clientSecret)
        }
        return parameters
    }

    /// The 16-byte password authentication key for `challenge` and `password`.
    public func passwordAuthenticationKey(challenge: PasswordVerifierChallenge, password: Secret) throws -> [UInt8] {
        guard let B = BigNum(hex: challenge.srpB), !B.modulo(SRPMath.N).isZero else {
            throw SRPError(.invalidServerPublicValue)
        }
        let u = BigNum(bytes: SRPMath.scramblerDigest(A: publicValue, B: B))
        guard !u.isZero else { throw SRPError(.zeroScrambler) }
        guard let x = SRPMath.privateKey(saltHex: challenge.salt, poolName: poolName,
                                         userID: challenge.userIDForSRP, password: password.revealed) else {
            throw SRPError(.invalidSalt)
        }
        let S = SRPMath.clientPremasterSecret(B: B, x: x, a: privateValue, u: u)
        return SRPMath.passwordAuthenticationKey(u: u, S: S)
    }

    /// `RespondToAuthChallenge` `ChallengeResponses` for `challenge` at time `now`: `TIMESTAMP`,
    /// `USERNAME` (the challenge's), `PASSWORD_CLAIM_SECRET_BLOCK`, `PASSWORD_CLAIM_SIGNATURE`, and
    /// `SECRET_HASH` over the challenge's `USERNAME` when the app client has a secret.
    public func challengeResponses(challenge: PasswordVerifierChallenge, password: Secret, clientID: String,
                                   clientSecret: Secret?, now: Date) throws -> [String: String] {
        let key = try passwordAuthenticationKey(challenge: challenge, password: password)
        guard let block = Data(base64Encoded: challenge.secretBlock) else { throw SRPError(.invalidSecretBlock) }
        let timestamp = CognitoTimestamp.string(for: now)
        let message = SRPMath.claimMessage(poolName: poolName, userID: challenge.userIDForSRP,
                                           secretBlock: Array(block), timestamp: timestamp)
        var responses = [
            "TIMESTAMP": timestamp,
            "USERNAME": challenge.username,
            "PASSWORD_CLAIM_SECRET_BLOCK": challenge.secretBlock,
            "PASSWORD_CLAIM_SIGNATURE": SRPMath.claimSignature(key: key, message: message),
        ]
        if let clientSecret {
            responses["SECRET_HASH"] = SRPMath.secretHash(username: challenge.username, clientID: clientID,
                                                          clientSecret: clientSecret)
        }
        return responses
    }
}
