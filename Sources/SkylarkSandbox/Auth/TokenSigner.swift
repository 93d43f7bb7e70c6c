import CryptoPrimitives
import Foundation

/// The claims the sandbox puts in (and reads back from) its JWT-shaped tokens.
public struct TokenClaims: Codable, Sendable, Equatable {
    public var sub: String
    public var username: String
    /// `id`, `access` or `refresh`.
    public var tokenUse: String
    public var iat: Int
    public var exp: Int
    public var iss: String
    public var aud: String
    public var jti: String

    enum CodingKeys: String, CodingKey {
        case sub, iat, exp, iss, aud, jti
        case username = "cognito:username"
        case tokenUse = "token_use"
    }
}

/// Why a token was refused.
public enum TokenRejection: Error, Sendable, Equatable {
    case malformed, badSignature, expired, wrongUse

    /// The 401 message for it.
    public var message: String {
        switch self {
        case .malformed: return "Invalid token: not a JWT."
        case .badSignature: return "Invalid token: signature does not verify."
        case .expired: return "Token has expired."
        case .wrongUse: return "Invalid token: not an ID token."
        }
    }
}

/// Issues and verifies `header.payload.signature` tokens signed with HMAC-SHA256 under a per-sandbox key.
public struct TokenSigner: Sendable {
    private let key: [UInt8]

    /// A signer over `key` (32 random bytes, kept in the state directory so tokens survive a restart).
    public init(key: [UInt8]) { self.key = key }

    private static let header = base64URL(Array(#"{"alg":"HS256","kid":"skylark-sandbox","typ":"JWT"}"#.utf8))

    /// A token carrying `claims`.
    public func issue(_ claims: TokenClaims) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let payload = Self.base64URL(Array((try? encoder.encode(claims)) ?? Data()))
        let signingInput = "\(Self.header).\(payload)"
        return "\(signingInput).\(Self.base64URL(HMAC.sha256(key: key, message: signingInput)))"
    }

    /// The claims of `token` if its signature verifies, it is of `use`, and it has not expired at `now`.
    public func verify(_ token: String, use: String, now: Date) -> Result<TokenClaims, TokenRejection> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let signature = Self.decodeBase64URL(String(parts[2])),
              let payload = Self.decodeBase64URL(String(parts[1])) else { return .failure(.malformed) }
        let expected = HMAC.sha256(key: key, message: "\(parts[0]).\(parts[1])")
        guard Self.constantTimeEqual(expected, signature) else { return .failure(.badSignature) }
        guard let claims = try? JSONDecoder().decode(TokenClaims.self, from: Data(payload)) else {
            return .failure(.malformed)
        }
        guard claims.tokenUse == use else { return .failure(.wrongUse) }
        guard Double(claims.exp) > now.timeIntervalSince1970 else { return .failure(.expired) }
        return .success(claims)
    }

    /// Base64url without padding.
    public static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> [UInt8]? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base).map(Array.init)
    }

    /// Compares without an early exit (signatures, claims).
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
