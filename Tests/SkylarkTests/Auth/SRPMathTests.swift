import CryptoPrimitives
import Foundation
import IngestCore
import IngestTestSupport
import Testing
@testable import Skylark

@Suite struct SRPMathTests {
    @Test func vectorsArePresent() {
        #expect(SRPVector.all.count == 10)
    }

    @Test func multiplierMatchesCognito() {
        #expect(SRPMath.k.hex == "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6")
        #expect(Hex.encode(SRPMath.pad(SRPMath.g)) == "02")
        #expect(SRPMath.pad(SRPMath.N).count == 385)
        #expect(SRPMath.pad(SRPMath.N).first == 0)
    }

    @Test func padFollowsTwosComplementRule() throws {
        #expect(SRPMath.pad(BigNum(0)) == [0])
        #expect(SRPMath.pad(BigNum(0x7f)) == [0x7f])
        #expect(SRPMath.pad(BigNum(0x80)) == [0x00, 0x80])
        #expect(SRPMath.pad(BigNum(0x0abc)) == [0x0a, 0xbc])
        #expect(SRPMath.pad(hexString: "abc") == [0x0a, 0xbc])
        #expect(SRPMath.pad(hexString: "8f") == [0x00, 0x8f])
        #expect(SRPMath.pad(hexString: "7f") == [0x7f])
        #expect(SRPMath.pad(hexString: "-1a2b") == nil)
        #expect(SRPMath.pad(hexString: "") == nil)
    }

    @Test func poolNameIsThePartAfterTheUnderscore() {
        #expect(SRPMath.poolName(poolID: "eu-west-1_Sandbox1") == "Sandbox1")
        #expect(SRPMath.poolName(poolID: "us-east-1_AbCdEf123") == "AbCdEf123")
    }

    @Test(arguments: SRPVector.all)
    func everyIntermediateMatchesTheVector(_ v: SRPVector) throws {
        let e = v.expected
        let a = try #require(BigNum(hex: v.inputs.small_a_hex))
        let session = SRPClientSession(poolID: v.inputs.pool_id, privateValue: a)
        #expect(session.poolName == e.pool_name)
        #expect(SRPMath.k.hex == e.k_hex)
        #expect(session.srpA == e.SRP_A)
        #expect(Hex.encode(SRPMath.pad(session.publicValue)) == e.A_padded_hex)

        let challenge = try #require(PasswordVerifierChallenge(parameters: v.challenge_parameters))
        let B = try #require(BigNum(hex: challenge.srpB))
        #expect(Hex.encode(SRPMath.pad(B)) == e.B_padded_hex)

        let uDigest = SRPMath.scramblerDigest(A: session.publicValue, B: B)
        #expect(Hex.encode(uDigest) == e.u_hex)
        let u = BigNum(bytes: uDigest)
        #expect(Hex.encode(SRPMath.pad(u)) == e.u_padded_hex)

        #expect(SRPMath.pad(hexString: challenge.salt).map(Hex.encode) == e.salt_padded_hex)
        let userHash = SRPMath.userPasswordHash(poolName: e.pool_name, userID: challenge.userIDForSRP,
                                                password: v.inputs.password)
        #expect(Hex.encode(userHash) == e.user_password_hash_hex)
        let x = try #require(SRPMath.privateKey(saltHex: challenge.salt, poolName: e.pool_name,
                                                userID: challenge.userIDForSRP, password: v.inputs.password))
        #expect(x.hex == e.x_hex)

        let S = SRPMath.clientPremasterSecret(B: B, x: x, a: a, u: u)
        #expect(S.hex == e.S_hex)
        #expect(Hex.encode(SRPMath.pad(S)) == e.S_padded_hex)
        #expect(Hex.encode(SRPMath.hkdfPseudoRandomKey(u: u, S: S)) == e.hkdf_prk_hex)
        #expect(Hex.encode(SRPMath.passwordAuthenticationKey(u: u, S: S)) == e.hkdf_key_hex)
        let key = try session.passwordAuthenticationKey(challenge: challenge, password: Secret(v.inputs.password))
        #expect(Hex.encode(key) == e.hkdf_key_hex)

        let now = try v.now
        #expect(CognitoTimestamp.string(for: now) == e.TIMESTAMP)
        let block = try #require(Data(base64Encoded: challenge.secretBlock))
        let message = SRPMath.claimMessage(poolName: e.pool_name, userID: challenge.userIDForSRP,
                                           secretBlock: Array(block), timestamp: e.TIMESTAMP)
        #expect(Hex.encode(message) == e.claim_message_hex)
        #expect(SRPMath.claimSignature(key: key, message: message) == e.PASSWORD_CLAIM_SIGNATURE)
    }

    @Test(arguments: SRPVector.all)
    func clientSendsExactlyTheExpectedParameters(_ v: SRPVector) throws {
        let session = SRPClientSession(poolID: v.inputs.pool_id,
                                       privateValue: try #require(BigNum(hex: v.inputs.small_a_hex)))
        let secret = v.inputs.client_secret.map(Secret.init)
        let auth = session.authParameters(username: v.inputs.login_username, clientID: v.inputs.client_id,
                                          clientSecret: secret)
        #expect(auth == v.expected.auth_parameters)
        let challenge = try #require(PasswordVerifierChallenge(parameters: v.challenge_parameters))
        let responses = try session.challengeResponses(challenge: challenge, password: Secret(v.inputs.password),
                                                       clientID: v.inputs.client_id, clientSecret: secret,
                                                       now: try v.now)
        #expect(responses == v.expected.challenge_responses)
    }

    @Test func unusableChallengeValuesAreRefusedWithACode() throws {
        let session = SRPClientSession(poolID: "eu-west-1_Sandbox1")
        let good = PasswordVerifierChallenge(salt: "abcd", srpB: "1234", secretBlock: "AAAA", userIDForSRP: "u",
                                             username: "u")
        var zeroB = good
        zeroB.srpB = SRPMath.N.hex
        var notHexB = good
        notHexB.srpB = "xyz"
        var negativeSalt = good
        negativeSalt.salt = "-1a2b"
        var badBlock = good
        badBlock.secretBlock = "***"
        let cases: [(PasswordVerifierChallenge, SRPError.Kind)] = [
            (zeroB, .invalidServerPublicValue), (notHexB, .invalidServerPublicValue),
            (negativeSalt, .invalidSalt), (badBlock, .invalidSecretBlock),
        ]
        for (challenge, kind) in cases {
            let error = #expect(throws: SRPError.self) {
                try session.challengeResponses(challenge: challenge, password: Secret("p"), clientID: "c",
                                               clientSecret: nil, now: Date())
            }
            #expect(error?.kind == kind)
            #expect(error?.ingestError.code == .authSRPProtocol)
        }
    }

    @Test func randomPrivateValuesDiffer() {
        #expect(SRPMath.randomPrivateValue() != SRPMath.randomPrivateValue())
    }
}
