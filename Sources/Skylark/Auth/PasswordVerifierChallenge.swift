import IngestCore

/// The `ChallengeParameters` of Cognito's `PASSWORD_VERIFIER` challenge.
public struct PasswordVerifierChallenge: Sendable, Hashable {
    /// `SALT`: the user's salt as minimal hex.
    public var salt: String
    /// `SRP_B`: the server's public value as minimal hex.
    public var srpB: String
    /// `SECRET_BLOCK`: opaque base64 the claim signs and echoes back.
    public var secretBlock: String
    /// `USER_ID_FOR_SRP`: the internal user name that `x` and the claim use.
    public var userIDForSRP: String
    /// `USERNAME`: the internal user name the answer (and its `SECRET_HASH`) use.
    public var username: String

    /// Creates a challenge from its fields.
    public init(salt: String, srpB: String, secretBlock: String, userIDForSRP: String, username: String) {
        self.salt = salt
        self.srpB = srpB
        self.secretBlock = secretBlock
        self.userIDForSRP = userIDForSRP
        self.username = username
    }

    /// Reads the challenge from Cognito's `ChallengeParameters`; nil when a field is missing.
    /// `USERNAME` falls back to `USER_ID_FOR_SRP` when absent.
    public init?(parameters: [String: String]) {
        guard let salt = parameters["SALT"], let srpB = parameters["SRP_B"],
              let block = parameters["SECRET_BLOCK"], let userID = parameters["USER_ID_FOR_SRP"] else { return nil }
        self.init(salt: salt, srpB: srpB, secretBlock: block, userIDForSRP: userID,
                  username: parameters["USERNAME"] ?? userID)
    }

    /// The challenge as `ChallengeParameters`.
    public var parameters: [String: String] {
        ["SALT": salt, "SRP_B": srpB, "SECRET_BLOCK": secretBlock, "USER_ID_FOR_SRP": userIDForSRP,
         "USERNAME": username]
    }
}
