import IngestCore

/// A Cognito error answer: HTTP 400 `{"__type": T, "message": M}`.
public struct CognitoError: Error, Sendable, Equatable {
    public var type: String
    public var message: String

    /// Wrong password, unknown user (existence errors prevented), bad SECRET_HASH, bad token.
    public static func notAuthorized(_ message: String = "Incorrect username or password.") -> CognitoError {
        CognitoError(type: "NotAuthorizedException", message: message)
    }

    /// A missing or malformed parameter.
    public static func invalidParameter(_ message: String) -> CognitoError {
        CognitoError(type: "InvalidParameterException", message: message)
    }

    /// The wire body.
    public var json: JSONValue { .object(["__type": .string(type), "message": .string(message)]) }
}
