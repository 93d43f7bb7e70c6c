import IngestCore

/// A Cognito SRP exchange that cannot go on because a value from the other side is unusable.
public struct SRPError: Error, Sendable, Hashable, CustomStringConvertible, IngestErrorConvertible {
    /// Which value was wrong.
    public enum Kind: String, Sendable, Hashable {
        /// `SRP_B` is not hex, or `B mod N` is zero.
        case invalidServerPublicValue
        /// `SRP_A` is not hex, or `A mod N` is zero (server side).
        case invalidClientPublicValue
        /// `SALT` is not plain hex (for example a negative `-1a2b…` salt).
        case invalidSalt
        /// `SECRET_BLOCK` is not base64.
        case invalidSecretBlock
        /// `u = H(PAD(A) || PAD(B))` is zero.
        case zeroScrambler
    }

    /// Which value was wrong.
    public var kind: Kind

    /// Creates the error.
    public init(_ kind: Kind) { self.kind = kind }

    public var description: String {
        switch kind {
        case .invalidServerPublicValue: return "the Cognito challenge's SRP_B is not a valid public value"
        case .invalidClientPublicValue: return "SRP_A is not a valid public value"
        case .invalidSalt: return "the Cognito challenge's SALT is not a hex string this client can use"
        case .invalidSecretBlock: return "the Cognito challenge's SECRET_BLOCK is not base64"
        case .zeroScrambler: return "the SRP scrambler u is zero; the exchange must be restarted"
        }
    }

    public var ingestError: IngestError {
        IngestError(code: .authSRPProtocol, stage: nil, message: "SRP login failed: \(description)",
                    hint: "check that SKYLARK_COGNITO_ENDPOINT points at a Cognito user pool endpoint",
                    retryable: kind == .zeroScrambler)
    }
}
