import CryptoPrimitives
import Foundation
import IngestCore
import Skylark

/// A sandbox user: a name and a password (the password is only used to compute the SRP verifier).
public struct SandboxUser: Sendable, Equatable {
    public var name: String
    public var password: Secret

    public init(name: String, password: Secret) {
        self.name = name
        self.password = password
    }

    /// Parses `NAME:PASSWORD` (the password may contain `:`).
    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else { return nil }
        name = String(text[..<colon])
        password = Secret(String(text[text.index(after: colon)...]))
        if password.isEmpty { return nil }
    }
}

/// The Cognito user-pool settings the endpoint enforces.
public struct CognitoSettings: Sendable {
    public var poolID: String
    /// When set, InitiateAuth must name this client (else ResourceNotFoundException).
    public var clientID: String?
    /// When set, SECRET_HASH is required and checked.
    public var clientSecret: Secret?
    /// Lifetime of ID and access tokens, in seconds.
    public var tokenLifetime: Int
    public var region: String

    public init(poolID: String, clientID: String?, clientSecret: Secret?, tokenLifetime: Int, region: String) {
        self.poolID = poolID
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.tokenLifetime = tokenLifetime
        self.region = region
    }

    /// The part of the pool id after `_`, which the SRP math uses.
    public var poolName: String { SRPMath.poolName(poolID: poolID) }
}

/// The `/cognito/` endpoint: USER_SRP_AUTH → PASSWORD_VERIFIER → tokens, and REFRESH_TOKEN_AUTH.
///
/// SRP is verified for real: each user has a random salt and a verifier computed from the password at
/// start; the server keeps its private `b` per challenge (keyed by SECRET_BLOCK, single use).
actor CognitoService {
    private struct UserEntry {
        var saltHex: String
        var verifier: BigNum
        var sub: String
    }

    private struct Challenge {
        var username: String
        var known: Bool
        var srpA: String
        var session: SRPServerSession
    }

    private let settings: CognitoSettings
    private let signer: TokenSigner
    private var users: [String: UserEntry] = [:]
    private var challenges: [String: Challenge] = [:]
    private var challengeOrder: [String] = []
    private static let maxChallenges = 10_000

    init(settings: CognitoSettings, users: [SandboxUser], signer: TokenSigner) {
        self.settings = settings
        self.signer = signer
        for user in users {
            let saltHex = SRPMath.randomSaltHex()
            guard let verifier = SRPMath.verifier(saltHex: saltHex, poolName: settings.poolName, userID: user.name,
                                                  password: user.password.revealed) else { continue }
            self.users[user.name] = UserEntry(saltHex: saltHex, verifier: verifier, sub: Self.sub(for: user.name))
        }
    }

    /// A stable UUID-shaped `sub` for a user name.
    static func sub(for name: String) -> String {
        let h = Hex.encode(Digest.sha256(Array("skylark-sandbox-sub:\(name)".utf8)).prefix(16))
        let c = Array(h)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }

    /// Answers one AWS JSON 1.1 call: `target` is the `X-Amz-Target` header.
    func handle(target: String, body: [UInt8], now: Date) -> (status: Int, json: JSONValue) {
        do {
            guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(body)) else {
                throw CognitoError(type: "SerializationException", message: "The request body is not a JSON object.")
            }
            switch target {
            case "AWSCognitoIdentityProviderService.InitiateAuth": return (200, try initiateAuth(object, now: now))
            case "AWSCognitoIdentityProviderService.RespondToAuthChallenge":
                return (200, try respondToAuthChallenge(object, now: now))
            default:
                throw CognitoError(type: "UnknownOperationException", message: "Unknown operation \(target).")
            }
        } catch let error as CognitoError {
            return (400, error.json)
        } catch {
            return (500, CognitoError(type: "InternalErrorException", message: "\(error)").json)
        }
    }

    private func checkClient(_ object: [String: JSONValue]) throws -> String {
        guard case .string(let clientID)? = object["ClientId"], !clientID.isEmpty else {
            throw CognitoError.invalidParameter("Missing required parameter ClientId")
        }
        if let expected = settings.clientID, expected != clientID {
            throw CognitoError(type: "ResourceNotFoundException", message: "User pool client \(clientID) does not exist.")
        }
        return clientID
    }

    private func checkSecretHash(_ parameters: [String: JSONValue], usernames: [String], clientID: String) throws {
        guard let secret = settings.clientSecret else { return }
        guard case .string(let sent)? = parameters["SECRET_HASH"] else {
            throw CognitoError.notAuthorized("Unable to verify secret hash for client \(clientID)")
        }
        let ok = usernames.contains {
            let expected = SRPMath.secretHash(username: $0, clientID: clientID, clientSecret: secret)
            return TokenSigner.constantTimeEqual(Array(expected.utf8), Array(sent.utf8))
        }
        if !ok { throw CognitoError.notAuthorized("Unable to verify secret hash for client \(clientID)") }
    }

    private static func strings(_ value: JSONValue?, _ name: String) throws -> [String: JSONValue] {
        guard case .object(let object)? = value else { throw CognitoError.invalidParameter("Missing required parameter \(name)") }
        return object
    }

    private static func string(_ object: [String: JSONValue], _ name: String) throws -> String {
        guard case .string(let value)? = object[name], !value.isEmpty else {
            throw CognitoError.invalidParameter("Missing required parameter \(name)")
        }
        return value
    }

    private func initiateAuth(_ object: [String: JSONValue], now: Date) throws -> JSONValue {
        let clientID = try checkClient(object)
        let flow = try Self.string(object, "AuthFlow")
        let parameters = try Self.strings(object["AuthParameters"], "AuthParameters")
        switch flow {
        case "USER_SRP_AUTH":
            let username = try Self.string(parameters, "USERNAME")
            try checkSecretHash(parameters, usernames: [username], clientID: clientID)
            let aHex = try Self.string(parameters, "SRP_A")
            guard let A = BigNum(hex: aHex), !A.modulo(SRPMath.N).isZero else {
                throw CognitoError.invalidParameter("SRP_A is not valid.")
            }
            // Unknown users get a plausible challenge and fail at the claim (no user-existence leak).
            let entry = users[username]
            let saltHex = entry?.saltHex ?? SRPMath.randomSaltHex()
            let verifier = entry?.verifier ?? SRPMath.verifier(x: SRPMath.randomPrivateValue())
            var session = SRPServerSession(verifier: verifier)
            while session.publicValue.isZero { session = SRPServerSession(verifier: verifier) }
            let secretBlock = Data(SecureRandom.bytes(96)).base64EncodedString()
            remember(secretBlock, Challenge(username: username, known: entry != nil, srpA: aHex, session: session))
            return .object([
                "ChallengeName": .string("PASSWORD_VERIFIER"),
                "ChallengeParameters": .object([
                    "SALT": .string(saltHex), "SRP_B": .string(session.srpB), "SECRET_BLOCK": .string(secretBlock),
                    "USER_ID_FOR_SRP": .string(username), "USERNAME": .string(username),
                ]),
            ])
        case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
            let token = try Self.string(parameters, "REFRESH_TOKEN")
            guard case .success(let claims) = signer.verify(token, use: "refresh", now: now),
                  users[claims.username] != nil else {
                throw CognitoError.notAuthorized("Invalid Refresh Token")
            }
            var names = [claims.username, claims.sub]
            if case .string(let given)? = parameters["USERNAME"] { names.append(given) }
            try checkSecretHash(parameters, usernames: names, clientID: clientID)
            return .object(["ChallengeParameters": .object([:]),
                            "AuthenticationResult": tokens(for: claims.username, clientID: clientID, now: now,
                                                           includeRefresh: false)])
        case "USER_PASSWORD_AUTH":
            throw CognitoError.invalidParameter("USER_PASSWORD_AUTH flow not enabled for this client")
        default:
            throw CognitoError.invalidParameter("Unsupported AuthFlow \(flow)")
        }
    }

    private func remember(_ secretBlock: String, _ challenge: Challenge) {
        challenges[secretBlock] = challenge
        challengeOrder.append(secretBlock)
        if challengeOrder.count > Self.maxChallenges {
            // Bounded memory: the oldest unanswered challenge is forgotten.
            let dropped = challengeOrder.removeFirst()
            challenges.removeValue(forKey: dropped)
        }
    }

    private func respondToAuthChallenge(_ object: [String: JSONValue], now: Date) throws -> JSONValue {
        let clientID = try checkClient(object)
        let name = try Self.string(object, "ChallengeName")
        guard name == "PASSWORD_VERIFIER" else { throw CognitoError.invalidParameter("Unsupported ChallengeName \(name)") }
        let responses = try Self.strings(object["ChallengeResponses"], "ChallengeResponses")
        let username = try Self.string(responses, "USERNAME")
        let secretBlock = try Self.string(responses, "PASSWORD_CLAIM_SECRET_BLOCK")
        let signature = try Self.string(responses, "PASSWORD_CLAIM_SIGNATURE")
        let timestamp = try Self.string(responses, "TIMESTAMP")
        guard TimestampFormat.isValidTimestamp(timestamp) else {
            throw CognitoError.invalidParameter("TIMESTAMP format is invalid: expected 'EEE MMM d HH:mm:ss UTC yyyy'.")
        }
        try checkSecretHash(responses, usernames: [username], clientID: clientID)
        guard let challenge = challenges.removeValue(forKey: secretBlock), challenge.username == username,
              let blockBytes = Data(base64Encoded: secretBlock) else {
            throw CognitoError.notAuthorized()
        }
        let valid = challenge.session.verifyClaim(srpA: challenge.srpA, poolName: settings.poolName,
                                                  userIDForSRP: username, secretBlock: Array(blockBytes),
                                                  timestamp: timestamp, signature: signature)
        guard challenge.known, valid else { throw CognitoError.notAuthorized() }
        return .object(["ChallengeParameters": .object([:]),
                        "AuthenticationResult": tokens(for: username, clientID: clientID, now: now, includeRefresh: true)])
    }

    /// Mints ID and access tokens (and a refresh token) for `username`.
    func tokens(for username: String, clientID: String, now: Date, includeRefresh: Bool) -> JSONValue {
        let iat = Int(now.timeIntervalSince1970.rounded(.up))
        let sub = users[username]?.sub ?? Self.sub(for: username)
        let iss = "https://cognito-idp.\(settings.region).amazonaws.com/\(settings.poolID)"
        func claims(_ use: String, lifetime: Int) -> TokenClaims {
            TokenClaims(sub: sub, username: username, tokenUse: use, iat: iat, exp: iat + lifetime, iss: iss,
                        aud: clientID, jti: Hex.encode(SecureRandom.bytes(8)))
        }
        var result: [String: JSONValue] = [
            "IdToken": .string(signer.issue(claims("id", lifetime: settings.tokenLifetime))),
            "AccessToken": .string(signer.issue(claims("access", lifetime: settings.tokenLifetime))),
            "ExpiresIn": .number(Double(settings.tokenLifetime)),
            "TokenType": .string("Bearer"),
        ]
        if includeRefresh {
            result["RefreshToken"] = .string(signer.issue(claims("refresh", lifetime: 30 * 86_400)))
        }
        return .object(result)
    }

    /// An ID token for a configured user, for tests and `GET /_admin/token` (nil for an unknown user).
    func mintIDToken(username: String, lifetime: Int?, now: Date) -> String? {
        guard users[username] != nil else { return nil }
        let iat = Int(now.timeIntervalSince1970.rounded(.up))
        let claims = TokenClaims(sub: users[username]!.sub, username: username, tokenUse: "id", iat: iat,
                                 exp: iat + (lifetime ?? settings.tokenLifetime),
                                 iss: "https://cognito-idp.\(settings.region).amazonaws.com/\(settings.poolID)",
                                 aud: settings.clientID ?? "skylark-sandbox", jti: Hex.encode(SecureRandom.bytes(8)))
        return signer.issue(claims)
    }

    /// The configured user names.
    var userNames: [String] { users.keys.sorted() }
}
