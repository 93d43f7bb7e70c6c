import CryptoPrimitives
import Foundation
import IngestCore
import IngestTestSupport
import Testing
@testable import Skylark

@Suite struct SecretHashTests {
    @Test func secretHashIsBase64OfHMACOverUsernameAndClientID() {
        // Independent computation: HMAC-SHA256(secret, username || clientID) → base64.
        let expected = Data(HMAC.sha256(key: Array("abc".utf8), message: Array("Editor3n4b5urk1ft4fl3mg5e62d9ado".utf8)))
            .base64EncodedString()
        #expect(SRPMath.secretHash(username: "Editor", clientID: "3n4b5urk1ft4fl3mg5e62d9ado",
                                   clientSecret: Secret("abc")) == expected)
    }

    @Test(arguments: SRPVector.all.filter { $0.inputs.client_secret != nil })
    func aliasLoginHashesTheLoginNameFirstAndTheInternalNameAfter(_ v: SRPVector) throws {
        let secret = Secret(try #require(v.inputs.client_secret))
        let initiate = SRPMath.secretHash(username: v.inputs.login_username, clientID: v.inputs.client_id,
                                          clientSecret: secret)
        let respond = SRPMath.secretHash(username: try #require(v.challenge_parameters["USERNAME"]),
                                         clientID: v.inputs.client_id, clientSecret: secret)
        #expect(initiate == v.expected.auth_parameters["SECRET_HASH"])
        #expect(respond == v.expected.challenge_responses["SECRET_HASH"])
    }

    @Test func secretHashDiffersWhenTheAliasDiffers() throws {
        let v = try #require(SRPVector.all.first { $0.name == "srp-03-alias-secret" })
        #expect(v.expected.auth_parameters["SECRET_HASH"] != v.expected.challenge_responses["SECRET_HASH"])
    }
}
