import CryptoPrimitives
import Foundation
import IngestCore
import IngestTestSupport
import Skylark
import SkylarkSandbox
import Testing

/// The server side of SRP (the sandbox's Cognito) against the shared vectors and the real client.
@Suite struct SRPServerSessionTests {
    @Test(arguments: SRPVector.all)
    func serverSideReproducesVerifierBAndS(_ v: SRPVector) throws {
        let e = v.expected
        let challenge = try #require(PasswordVerifierChallenge(parameters: v.challenge_parameters))
        let verifier = try #require(SRPMath.verifier(saltHex: challenge.salt, poolName: e.pool_name,
                                                     userID: challenge.userIDForSRP, password: v.inputs.password))
        #expect(verifier.hex == v.server.verifier_hex)
        let b = try #require(BigNum(hex: v.server.small_b_hex))
        let server = SRPServerSession(verifier: verifier, privateValue: b)
        #expect(server.srpB == challenge.srpB)
        let A = try #require(BigNum(hex: e.SRP_A))
        let u = BigNum(bytes: SRPMath.scramblerDigest(A: A, B: server.publicValue))
        #expect(SRPMath.serverPremasterSecret(A: A, verifier: verifier, u: u, privateValue: b).hex == v.server.S_hex)
        #expect(Hex.encode(try server.passwordAuthenticationKey(srpA: e.SRP_A)) == e.hkdf_key_hex)
    }

    @Test(arguments: SRPVector.all)
    func serverAcceptsTheRightClaimAndRejectsTamperedOnes(_ v: SRPVector) throws {
        let e = v.expected
        let challenge = try #require(PasswordVerifierChallenge(parameters: v.challenge_parameters))
        let verifier = try #require(BigNum(hex: v.server.verifier_hex))
        let server = SRPServerSession(verifier: verifier, privateValue: try #require(BigNum(hex: v.server.small_b_hex)))
        let block = Array(try #require(Data(base64Encoded: challenge.secretBlock)))
        func verify(timestamp: String = e.TIMESTAMP, signature: String = e.PASSWORD_CLAIM_SIGNATURE,
                    userID: String = challenge.userIDForSRP, srpA: String = e.SRP_A) -> Bool {
            server.verifyClaim(srpA: srpA, poolName: e.pool_name, userIDForSRP: userID, secretBlock: block,
                               timestamp: timestamp, signature: signature)
        }
        #expect(verify())
        #expect(!verify(timestamp: e.TIMESTAMP + " "))
        #expect(!verify(userID: challenge.userIDForSRP + "x"))
        #expect(!verify(signature: "AAAA"))
        #expect(!verify(signature: "not base64!"))
        #expect(!verify(srpA: "zz"))
        #expect(!verify(srpA: SRPMath.N.hex))
    }

    @Test func wrongPasswordGivesADifferentSignatureThanTheServerExpects() throws {
        let poolID = "eu-west-1_Sandbox1"
        let salt = SRPMath.randomSaltHex()
        let verifier = try #require(SRPMath.verifier(saltHex: salt, poolName: "Sandbox1", userID: "editor",
                                                     password: "right"))
        let server = SRPServerSession(verifier: verifier)
        let block = Data(SecureRandom.bytes(64)).base64EncodedString()
        let challenge = PasswordVerifierChallenge(salt: salt, srpB: server.srpB, secretBlock: block,
                                                  userIDForSRP: "editor", username: "editor")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for (password, accepted) in [("right", true), ("wrong", false)] {
            let client = SRPClientSession(poolID: poolID)
            let responses = try client.challengeResponses(challenge: challenge, password: Secret(password),
                                                          clientID: "c", clientSecret: nil, now: now)
            let ok = server.verifyClaim(srpA: client.srpA, poolName: "Sandbox1", userIDForSRP: "editor",
                                        secretBlock: Array(Data(base64Encoded: block)!),
                                        timestamp: try #require(responses["TIMESTAMP"]),
                                        signature: try #require(responses["PASSWORD_CLAIM_SIGNATURE"]))
            #expect(ok == accepted, "password \(password)")
        }
    }

    @Test func randomSaltsAreMinimalHexAndDiffer() {
        let salt = SRPMath.randomSaltHex()
        #expect((31...32).contains(salt.count))
        #expect(SRPMath.pad(hexString: salt) != nil)
        #expect(SRPMath.randomSaltHex() != salt)
    }
}
