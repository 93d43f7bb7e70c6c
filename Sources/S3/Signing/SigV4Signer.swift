import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore

/// What the request body contributes to a signature.
public enum SigV4Payload: Sendable, Hashable {
    /// `UNSIGNED-PAYLOAD`: the body is not hashed (S3 streams of file ranges; Content-MD5 guards them).
    case unsigned
    /// The hex SHA-256 of the body, computed by the caller.
    case sha256Hex(String)
    /// Bytes in memory, hashed by the signer.
    case bytes([UInt8])
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: an `aws-chunked` body whose checksum trails it (the AWS SDKs' default).
    case streamingUnsignedTrailer

    /// The value that goes into the canonical request (and `x-amz-content-sha256`).
    public var contentHash: String {
        switch self {
        case .unsigned: return "UNSIGNED-PAYLOAD"
        case .sha256Hex(let hex): return hex
        case .bytes(let bytes): return Hex.encode(Digest.sha256(bytes))
        case .streamingUnsignedTrailer: return "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
        }
    }

    /// The hash of an empty body.
    public static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
}

/// Everything a signature produced, intermediate values included (for tests and debugging).
public struct SigV4Signature: Sendable {
    /// The canonical request that was hashed.
    public var canonicalRequest: String
    /// The string that was signed.
    public var stringToSign: String
    /// `host;x-amz-date;…`.
    public var signedHeaders: String
    /// The hex signature.
    public var signature: String
    /// The full `Authorization` header value.
    public var authorization: String
    /// The headers to add to the request, in order (X-Amz-Date, X-Amz-Content-SHA256?, X-Amz-Security-Token?, Authorization).
    public var addedHeaders: [(String, String)]
}

/// An AWS Signature Version 4 signer for request headers; pure apart from its signing-key cache.
///
/// The clock is a parameter (`date:`), the canonical URI is given already encoded (S3 never encodes
/// it twice, never normalises it), and the query is canonicalised from its wire form.
public struct SigV4Signer: Sendable {
    /// Headers an HTTP stack may add or change, never signed (botocore's list).
    public static let unsignedHeaderNames: Set<String> = [
        "user-agent", "expect", "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade",
        "x-amzn-trace-id", "authorization",
    ]

    /// The region of the credential scope.
    public var region: String
    /// The service of the credential scope (`s3`).
    public var service: String
    /// Whether `x-amz-content-sha256` is sent and signed (always for S3).
    public var sendsContentSHA256: Bool
    /// Whether the session token is signed (S3) or added after signing.
    public var signsSessionToken: Bool
    private let keyCache: SigningKeyCache

    public init(region: String, service: String = "s3", sendsContentSHA256: Bool = true, signsSessionToken: Bool = true) {
        self.region = region
        self.service = service
        self.sendsContentSHA256 = sendsContentSHA256
        self.signsSessionToken = signsSessionToken
        self.keyCache = SigningKeyCache()
    }

    /// Signs a request.
    ///
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - canonicalURI: the path exactly as sent (already percent-encoded), e.g. `/bucket/a%20b`.
    ///   - query: the query string as sent, without `?` (may be empty).
    ///   - host: the `Host` value (default ports omitted).
    ///   - headers: headers the client sets; those in `unsignedHeaderNames` and `proxy-*` are not signed.
    ///   - payload: the body's contribution.
    ///   - credentials: the keys.
    ///   - date: the signing instant.
    public func sign(method: String, canonicalURI: String, query: String, host: String, headers: HTTPHeaders,
                     payload: SigV4Payload, credentials: AWSCredentials, date: Date) -> SigV4Signature {
        let amzDate = AmzDate(date)
        let payloadHash = payload.contentHash
        var added: [(String, String)] = [("X-Amz-Date", amzDate.timestamp)]
        if sendsContentSHA256 { added.append(("X-Amz-Content-SHA256", payloadHash)) }
        if let token = credentials.sessionToken, signsSessionToken {
            added.append(("X-Amz-Security-Token", token.revealed))
        }

        var signed: [String: [String]] = [:]
        var order: [String] = []
        func include(_ name: String, _ value: String) {
            let lower = name.lowercased()
            if SigV4Signer.unsignedHeaderNames.contains(lower) || lower.hasPrefix("proxy-") { return }
            if signed[lower] == nil { order.append(lower); signed[lower] = [] }
            signed[lower]!.append(SigV4Signer.canonicalHeaderValue(value))
        }
        include("host", host)
        for field in headers where field.name.lowercased() != "host" { include(field.name, field.value) }
        for (name, value) in added { include(name, value) }
        let names = order.sorted()
        let canonicalHeaders = names.map { "\($0):\(signed[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")

        let canonicalRequest = [
            method.uppercased(), canonicalURI, SigV4Signer.canonicalQuery(query), canonicalHeaders, signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let scope = "\(amzDate.day)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate.timestamp)\n\(scope)\n"
            + Hex.encode(Digest.sha256(Array(canonicalRequest.utf8)))
        let key = keyCache.key(day: amzDate.day, region: region, service: service, credentials: credentials)
        let signature = Hex.encode(HMAC.sha256(key: key, message: stringToSign))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        if let token = credentials.sessionToken, !signsSessionToken {
            added.append(("X-Amz-Security-Token", token.revealed))
        }
        added.append(("Authorization", authorization))
        return SigV4Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign,
                              signedHeaders: signedHeaders, signature: signature, authorization: authorization,
                              addedHeaders: added)
    }

    /// The signing key `HMAC(HMAC(HMAC(HMAC("AWS4"+secret, day), region), service), "aws4_request")`.
    public static func signingKey(secret: Secret, day: String, region: String, service: String) -> [UInt8] {
        let kDate = HMAC.sha256(key: Array("AWS4\(secret.revealed)".utf8), message: day)
        let kRegion = HMAC.sha256(key: kDate, message: region)
        let kService = HMAC.sha256(key: kRegion, message: service)
        return HMAC.sha256(key: kService, message: "aws4_request")
    }

    /// A header value as canonicalised: trimmed, inner runs of whitespace (and folded lines) collapsed to one space.
    public static func canonicalHeaderValue(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for scalar in value.unicodeScalars {
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The canonical query: each name and value decoded then re-encoded, sorted by name then value, bare names as `name=`.
    public static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs: [(String, String)] = query.split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = S3PercentEncoding.encode(S3PercentEncoding.decode(String(parts[0])))
            let value = parts.count > 1 ? S3PercentEncoding.encode(S3PercentEncoding.decode(String(parts[1]))) : ""
            return (name, value)
        }
        return pairs.sorted { lhs, rhs in
            lhs.0 == rhs.0 ? Array(lhs.1.utf8).lexicographicallyPrecedes(Array(rhs.1.utf8))
                : Array(lhs.0.utf8).lexicographicallyPrecedes(Array(rhs.0.utf8))
        }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// A path with `.` and `..` segments removed and repeated slashes collapsed (generic services only, never S3).
    public static func normalizedPath(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { if !segments.isEmpty { segments.removeLast() }; continue }
            segments.append(segment)
        }
        var result = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && result != "/" { result += "/" }
        return result
    }
}
