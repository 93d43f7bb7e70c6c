import IngestCore

/// A failed Cognito call: the AWS error type (`NotAuthorizedException`, …) or a challenge this
/// client cannot answer, turned into an actionable `IngestError`.
public struct CognitoError: Error, Sendable, Hashable, CustomStringConvertible, IngestErrorConvertible {
    /// The AWS error type without its namespace (`NotAuthorizedException`), or a local kind such as
    /// `ChallengeUnsupported` / `BadResponse`.
    public var type: String
    /// Cognito's message, or ours.
    public var message: String
    /// The HTTP status, when the error came from a response.
    public var status: Int?
    /// The challenge name, for `ChallengeUnsupported`.
    public var challenge: String?
    /// The login name the call was for (not secret).
    public var username: String?

    /// Creates an error.
    public init(type: String, message: String, status: Int? = nil, challenge: String? = nil, username: String? = nil) {
        self.type = type
        self.message = message
        self.status = status
        self.challenge = challenge
        self.username = username
    }

    /// A challenge this client does not answer (`NEW_PASSWORD_REQUIRED`, `SMS_MFA`, …).
    public static func unsupportedChallenge(_ name: String, username: String) -> CognitoError {
        CognitoError(type: "ChallengeUnsupported", message: "Cognito asked for the \(name) challenge",
                     challenge: name, username: username)
    }

    /// Whether Cognito refused the credentials or the refresh token.
    public var isNotAuthorized: Bool { type == "NotAuthorizedException" || type == "UserNotFoundException" }

    public var description: String { ingestError.description }

    public var ingestError: IngestError {
        let who = username.map { " for user '\($0)'" } ?? ""
        switch type {
        case "NotAuthorizedException", "UserNotFoundException":
            return IngestError(code: .authInvalidCredentials, message: "Cognito refused the login\(who): \(message)",
                               hint: "check SKYLARK_USERNAME and SKYLARK_PASSWORD (or SKYLARK_PASSWORD_FILE)")
        case "ChallengeUnsupported":
            return IngestError(code: .authChallengeUnsupported,
                               message: "Cognito asked for the \(challenge ?? "?") challenge\(who), which an "
                                   + "unattended ingest cannot answer",
                               hint: CognitoError.hint(challenge: challenge ?? ""))
        case "PasswordResetRequiredException", "UserNotConfirmedException":
            return IngestError(code: .authUserState, message: "Cognito cannot log in the user\(who): \(message)",
                               hint: "finish the user's set-up (confirm it or reset its password) in the Skylark UI")
        case "InvalidParameterException", "ResourceNotFoundException", "InvalidUserPoolConfigurationException":
            return IngestError(code: .authConfiguration, message: "Cognito rejected the request: \(message)",
                               hint: "check SKYLARK_COGNITO_USER_POOL_ID, SKYLARK_COGNITO_CLIENT_ID and the "
                                   + "app client's settings (USER_SRP_AUTH enabled, client secret)")
        case "TooManyRequestsException", "InternalErrorException", "Unavailable":
            return IngestError(code: .authUnavailable, message: "Cognito is unavailable: \(message)",
                               hint: "try again later", retryable: true)
        default:
            return IngestError(code: .authFailed, message: "Cognito login failed\(who): \(type): \(message)")
        }
    }

    private static func hint(challenge: String) -> String {
        switch challenge {
        case "NEW_PASSWORD_REQUIRED":
            return "the user must set a new password: sign in once in the Skylark UI, then run again"
        case "SMS_MFA", "SOFTWARE_TOKEN_MFA", "MFA_SETUP", "SELECT_MFA_TYPE", "EMAIL_OTP":
            return "use a user without multi-factor authentication for ingest, or pass a token in SKYLARK_TOKEN"
        default:
            return "use a user that logs in with USER_SRP_AUTH and a password only, or pass SKYLARK_TOKEN"
        }
    }
}
