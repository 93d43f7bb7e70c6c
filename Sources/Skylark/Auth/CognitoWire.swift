/// AWS JSON 1.1 bodies of `InitiateAuth` and `RespondToAuthChallenge` (wire shapes only).
enum CognitoWire {
    struct InitiateAuthRequest: Encodable {
        var authFlow: String
        var clientID: String
        var authParameters: [String: String]

        enum CodingKeys: String, CodingKey {
            case authFlow = "AuthFlow", clientID = "ClientId", authParameters = "AuthParameters"
        }
    }

    struct RespondToAuthChallengeRequest: Encodable {
        var challengeName: String
        var clientID: String
        var challengeResponses: [String: String]
        var session: String?

        enum CodingKeys: String, CodingKey {
            case challengeName = "ChallengeName", clientID = "ClientId"
            case challengeResponses = "ChallengeResponses", session = "Session"
        }
    }

    struct AuthResponse: Decodable {
        var challengeName: String?
        var challengeParameters: [String: String]?
        var session: String?
        var authenticationResult: AuthenticationResult?

        enum CodingKeys: String, CodingKey {
            case challengeName = "ChallengeName", challengeParameters = "ChallengeParameters", session = "Session"
            case authenticationResult = "AuthenticationResult"
        }
    }

    struct AuthenticationResult: Decodable {
        var idToken: String?
        var accessToken: String?
        var refreshToken: String?
        var expiresIn: Int?

        enum CodingKeys: String, CodingKey {
            case idToken = "IdToken", accessToken = "AccessToken", refreshToken = "RefreshToken"
            case expiresIn = "ExpiresIn"
        }
    }

    struct ErrorBody: Decodable {
        var type: String?
        var message: String?
        var capitalMessage: String?

        enum CodingKeys: String, CodingKey {
            case type = "__type", message, capitalMessage = "Message"
        }
    }
}
