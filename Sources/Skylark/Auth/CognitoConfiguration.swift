import IngestCore

/// A Cognito user pool app client: where and as which app client to log in.
public struct CognitoConfiguration: Sendable, Hashable {
    /// The user pool id, e.g. `eu-west-1_AbCdEf123` (the SRP math uses the part after `_`).
    public var poolID: String
    /// The app client id.
    public var clientID: String
    /// The app client secret, when the app client has one (adds `SECRET_HASH`).
    public var clientSecret: Secret?
    /// The AWS region of the pool.
    public var region: String
    /// The Cognito IDP endpoint (AWS JSON 1.1 `POST` target).
    public var endpoint: String

    /// Creates a configuration; `region` defaults to the pool id's prefix and `endpoint` to
    /// `https://cognito-idp.<region>.amazonaws.com/`.
    public init(poolID: String, clientID: String, clientSecret: Secret? = nil, region: String? = nil,
                endpoint: String? = nil) {
        self.poolID = poolID
        self.clientID = clientID
        self.clientSecret = clientSecret
        let resolvedRegion = region ?? CognitoConfiguration.region(fromPoolID: poolID)
        self.region = resolvedRegion
        self.endpoint = endpoint ?? "https://cognito-idp.\(resolvedRegion).amazonaws.com/"
    }

    /// The region part of a pool id (`eu-west-1_AbC` → `eu-west-1`); the whole id when it has no `_`.
    public static func region(fromPoolID poolID: String) -> String {
        guard let underscore = poolID.firstIndex(of: "_") else { return poolID }
        return String(poolID[..<underscore])
    }
}
