import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore
import Skylark
import SkylarkSandbox

/// An in-memory Cognito IDP over `FakeHTTPClient` that verifies SRP claims for real with
/// `SRPServerSession`: one user, optional client secret, optional extra challenge after the password.
///
/// `@unchecked Sendable` for `http` alone (a `lazy var`, made once before the tests share it); the state the
/// requests change is behind `state`.
final class FakeCognito: @unchecked Sendable {
    let poolID = "eu-west-1_Sandbox1"
    let clientID = "fakeclientid"
    let loginName: String
    let internalName: String
    let salt = SRPMath.randomSaltHex()
    let verifier: BigNum
    let clientSecret: Secret?
    /// A challenge to answer instead of tokens after a correct password (`NEW_PASSWORD_REQUIRED`, …).
    let nextChallenge: String?
    let expiresIn: Int

    private struct State {
        var sessions: [String: (SRPServerSession, String)] = [:]
        var issued = 0
        var refreshTokens: Set<String> = []
        var actions: [String] = []
        var problems: [String] = []
    }

    private let state = Locked(State())
    var refreshTokens: Set<String> { state.withLock { $0.refreshTokens } }
    var actions: [String] { state.withLock { $0.actions } }
    var problems: [String] { state.withLock { $0.problems } }

    init(loginName: String = "editor@example.com", internalName: String = "7d2a6c1e-0000", password: String,
         clientSecret: Secret? = nil, nextChallenge: String? = nil, expiresIn: Int = 3600) {
        self.loginName = loginName
        self.internalName = internalName
        self.clientSecret = clientSecret
        self.nextChallenge = nextChallenge
        self.expiresIn = expiresIn
        verifier = SRPMath.verifier(saltHex: salt, poolName: "Sandbox1", userID: internalName, password: password)!
    }

    var configuration: CognitoConfiguration {
        CognitoConfiguration(poolID: poolID, clientID: clientID, clientSecret: clientSecret,
                             endpoint: "http://127.0.0.1:1/cognito/")
    }

    lazy var http: FakeHTTPClient = FakeHTTPClient { [unowned self] request, _ in self.handle(request) }

    private func problem(_ text: String) { state.withLock { $0.problems.append(text) } }

    private func fail(_ type: String, _ message: String) -> HTTPResponse {
        .json(400, #"{"__type": "\#(type)", "message": "\#(message)"}"#)
    }

    private func ok(_ object: [String: Any]) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": "application/x-amz-json-1.1"],
                     body: Array(try! JSONSerialization.data(withJSONObject: object)))
    }

    private func checkSecretHash(_ parameters: [String: String], name: String) -> Bool {
        guard let clientSecret else { return parameters["SECRET_HASH"] == nil }
        return parameters["SECRET_HASH"] == SRPMath.secretHash(username: name, clientID: clientID,
                                                               clientSecret: clientSecret)
    }

    private func tokens(refresh: Bool) -> [String: Any] {
        let n = state.withLock { state -> Int in state.issued += 1; return state.issued }
        var result: [String: Any] = ["IdToken": "id-token-\(n)", "AccessToken": "access-token-\(n)",
                                     "ExpiresIn": expiresIn, "TokenType": "Bearer"]
        if refresh {
            let token = "refresh-token-\(n)"
            state.withLock { _ = $0.refreshTokens.insert(token) }
            result["RefreshToken"] = token
        }
        return ["AuthenticationResult": result]
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.headers["Content-Type"] != "application/x-amz-json-1.1" { problem("content type") }
        let target = request.headers["X-Amz-Target"] ?? ""
        let body = request.jsonObject
        let action = target.replacingOccurrences(of: "AWSCognitoIdentityProviderService.", with: "")
            + "/" + ((body["AuthFlow"] ?? body["ChallengeName"]) as? String ?? "")
        state.withLock { $0.actions.append(action) }
        guard body["ClientId"] as? String == clientID else { return fail("ResourceNotFoundException", "no client") }
        switch target {
        case "AWSCognitoIdentityProviderService.InitiateAuth":
            let parameters = body["AuthParameters"] as? [String: String] ?? [:]
            switch body["AuthFlow"] as? String {
            case "USER_SRP_AUTH":
                guard parameters["USERNAME"] == loginName else { return fail("UserNotFoundException", "User does not exist.") }
                guard checkSecretHash(parameters, name: loginName) else {
                    return fail("NotAuthorizedException", "Unable to verify secret hash for client")
                }
                guard let srpA = parameters["SRP_A"] else { return fail("InvalidParameterException", "SRP_A") }
                let server = SRPServerSession(verifier: verifier)
                let session = UUID().uuidString
                state.withLock { $0.sessions[session] = (server, srpA) }
                let block = Data(SecureRandom.bytes(64)).base64EncodedString()
                return ok(["ChallengeName": "PASSWORD_VERIFIER", "Session": session, "ChallengeParameters": [
                    "SALT": salt, "SRP_B": server.srpB, "SECRET_BLOCK": block, "USER_ID_FOR_SRP": internalName,
                    "USERNAME": internalName,
                ]])
            case "REFRESH_TOKEN_AUTH":
                guard let token = parameters["REFRESH_TOKEN"], state.withLock({ $0.refreshTokens.contains(token) }) else {
                    return fail("NotAuthorizedException", "Invalid Refresh Token")
                }
                guard checkSecretHash(parameters, name: internalName) else {
                    return fail("NotAuthorizedException", "Unable to verify secret hash for client")
                }
                return ok(tokens(refresh: false))
            default:
                return fail("InvalidParameterException", "flow")
            }
        case "AWSCognitoIdentityProviderService.RespondToAuthChallenge":
            let responses = body["ChallengeResponses"] as? [String: String] ?? [:]
            guard let session = body["Session"] as? String,
                  let (server, srpA) = state.withLock({ $0.sessions.removeValue(forKey: session) }) else {
                return fail("NotAuthorizedException", "Invalid session")
            }
            guard responses["USERNAME"] == internalName, checkSecretHash(responses, name: internalName),
                  let block = responses["PASSWORD_CLAIM_SECRET_BLOCK"].flatMap({ Data(base64Encoded: $0) }),
                  let timestamp = responses["TIMESTAMP"], let signature = responses["PASSWORD_CLAIM_SIGNATURE"] else {
                return fail("InvalidParameterException", "missing responses")
            }
            guard server.verifyClaim(srpA: srpA, poolName: "Sandbox1", userIDForSRP: internalName,
                                     secretBlock: Array(block), timestamp: timestamp, signature: signature) else {
                return fail("NotAuthorizedException", "Incorrect username or password.")
            }
            if let nextChallenge {
                return ok(["ChallengeName": nextChallenge, "Session": "s2", "ChallengeParameters": [:] as [String: String]])
            }
            return ok(tokens(refresh: true))
        default:
            return fail("UnknownOperationException", "unknown")
        }
    }
}
