import Foundation
import IngestCore

/// An AWS access key pair, with an optional session token and expiry; the secret parts never print.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The access key id (not secret; appears in `Authorization` credential scopes).
    public var accessKeyId: String
    /// The secret access key.
    public var secretAccessKey: Secret
    /// The session token of temporary credentials.
    public var sessionToken: Secret?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?

    public init(accessKeyId: String, secretAccessKey: Secret, sessionToken: Secret? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    public var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: ***\(sessionToken == nil ? "" : ", sessionToken: ***")"
            + (expiration.map { ", expiration: \(ISO8601DateFormatter().string(from: $0))" } ?? "") + ")"
    }
}
