import Foundation
import IngestCore
import Skylark
import Testing
@testable import SkylarkSandbox

/// The `/cognito/` endpoint driven by the Skylark module's SRP client math over HTTP.
@Suite(.serialized) struct CognitoEndpointTests {
    static let poolID = "eu-west-1_Sandbox01"
    static let clientID = "sandboxclient0test"

    private func call(_ http: SandboxHTTP, _ operation: String, _ body: [String: Any]) async throws -> SandboxHTTP.Reply {
        var anonymous = http
        anonymous.token = nil
        return try await anonymous.send("POST", "/cognito/", json: body, headers: [
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.\(operation)",
        ])
    }

    /// Runs USER_SRP_AUTH → PASSWORD_VERIFIER; returns the final reply.
    private func login(_ http: SandboxHTTP, user: String, password: String, secret: Secret? = nil,
                       clientID: String = clientID, now: Date = Date(),
                       tamper: (inout [String: String]) -> Void = { _ in }) async throws -> SandboxHTTP.Reply {
        let session = SRPClientSession(poolID: Self.poolID)
        let initiate = try await call(http, "InitiateAuth", [
            "AuthFlow": "USER_SRP_AUTH", "ClientId": clientID,
            "AuthParameters": session.authParameters(username: user, clientID: clientID, clientSecret: secret),
        ])
        guard initiate.status == 200 else { return initiate }
        #expect(initiate.string("ChallengeName") == "PASSWORD_VERIFIER")
        let parameters = try #require(initiate.json?["ChallengeParameters"] as? [String: String])
        let challenge = try #require(PasswordVerifierChallenge(parameters: parameters))
        var responses = try session.challengeResponses(challenge: challenge, password: Secret(password), clientID: clientID,
                                                       clientSecret: secret, now: now)
        tamper(&responses)
        return try await call(http, "RespondToAuthChallenge", [
            "ChallengeName": "PASSWORD_VERIFIER", "ClientId": clientID, "ChallengeResponses": responses,
        ])
    }

    private func configure(_ c: inout SandboxConfiguration) {
        c.poolID = Self.poolID
        c.clientID = Self.clientID
    }

    @Test func correctPasswordLogsInAndTheIDTokenOpensTheAPI() async throws {
        try await withSandbox(configure) { _, http in
            let reply = try await login(http, user: "demo", password: "Demo-Passw0rd!")
            #expect(reply.status == 200)
            let result = try #require(reply.json?["AuthenticationResult"] as? [String: Any])
            #expect(result["TokenType"] as? String == "Bearer")
            #expect(result["ExpiresIn"] as? Int == 3600)
            #expect(result["RefreshToken"] is String)
            var api = http
            api.token = result["IdToken"] as? String
            #expect(try await api.get("/api/assets/").status == 200)
            api.token = result["AccessToken"] as? String
            #expect(try await api.get("/api/assets/").status == 401, "the API takes ID tokens, not access tokens")
        }
    }

    @Test func wrongPasswordAndUnknownUserAreNotAuthorized() async throws {
        try await withSandbox(configure) { _, http in
            let wrong = try await login(http, user: "demo", password: "Demo-Passw0rd?")
            #expect(wrong.status == 400)
            #expect(wrong.string("__type") == "NotAuthorizedException")
            #expect(wrong.string("message") == "Incorrect username or password.")
            let unknown = try await login(http, user: "nobody", password: "Demo-Passw0rd!")
            #expect(unknown.status == 400)
            #expect(unknown.string("__type") == "NotAuthorizedException")
        }
    }

    @Test func aSecretBlockCanBeAnsweredOnlyOnce() async throws {
        try await withSandbox(configure) { _, http in
            var saved: [String: String] = [:]
            let first = try await login(http, user: "demo", password: "Demo-Passw0rd!") { saved = $0 }
            #expect(first.status == 200)
            let replay = try await call(http, "RespondToAuthChallenge", [
                "ChallengeName": "PASSWORD_VERIFIER", "ClientId": Self.clientID, "ChallengeResponses": saved,
            ])
            #expect(replay.string("__type") == "NotAuthorizedException")
        }
    }

    @Test func zeroPaddedTimestampIsRejected() async throws {
        try await withSandbox(configure) { _, http in
            let reply = try await login(http, user: "demo", password: "Demo-Passw0rd!") {
                $0["TIMESTAMP"] = "Sun Nov 01 09:05:03 UTC 2026"
            }
            #expect(reply.string("__type") == "InvalidParameterException")
        }
    }

    @Test func clientSecretRequiresAMatchingSecretHash() async throws {
        let secret = Secret("1q2w3e4r5t6y7u8i9o0p")
        try await withSandbox({ configure(&$0); $0.clientSecret = secret }) { _, http in
            let without = try await login(http, user: "demo", password: "Demo-Passw0rd!")
            #expect(without.string("__type") == "NotAuthorizedException")
            let wrong = try await login(http, user: "demo", password: "Demo-Passw0rd!", secret: Secret("other"))
            #expect(wrong.string("__type") == "NotAuthorizedException")
            let right = try await login(http, user: "demo", password: "Demo-Passw0rd!", secret: secret)
            #expect(right.status == 200)
        }
    }

    @Test func unknownClientIsResourceNotFound() async throws {
        try await withSandbox(configure) { _, http in
            let reply = try await login(http, user: "demo", password: "Demo-Passw0rd!", clientID: "someone-else")
            #expect(reply.string("__type") == "ResourceNotFoundException")
        }
    }

    @Test func refreshTokenGivesNewTokensWithTheConfiguredLifetime() async throws {
        try await withSandbox({ configure(&$0); $0.tokenLifetime = 2 }) { _, http in
            let login = try await login(http, user: "demo", password: "Demo-Passw0rd!")
            let result = try #require(login.json?["AuthenticationResult"] as? [String: Any])
            #expect(result["ExpiresIn"] as? Int == 2)
            let refreshToken = try #require(result["RefreshToken"] as? String)
            var api = http
            api.token = result["IdToken"] as? String
            try await Task.sleep(for: .milliseconds(3100))
            #expect(try await api.get("/api/assets/").status == 401)
            let refreshed = try await call(http, "InitiateAuth", [
                "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": Self.clientID,
                "AuthParameters": ["REFRESH_TOKEN": refreshToken],
            ])
            #expect(refreshed.status == 200)
            let fresh = try #require(refreshed.json?["AuthenticationResult"] as? [String: Any])
            #expect(fresh["RefreshToken"] == nil)
            api.token = fresh["IdToken"] as? String
            #expect(try await api.get("/api/assets/").status == 200)
            let bogus = try await call(http, "InitiateAuth", [
                "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": Self.clientID, "AuthParameters": ["REFRESH_TOKEN": "x.y.z"],
            ])
            #expect(bogus.string("__type") == "NotAuthorizedException")
        }
    }
}
