import Foundation
import IngestCore

/// Pure readers of the documents credential sources answer with. Errors name the field, never a value.
public enum CredentialDocuments {
    /// An ISO 8601 instant (`2024-05-01T12:00:00Z`, with or without fractional seconds, any offset).
    public static func parseDate(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// The JSON of the ECS container endpoint and of EC2 instance metadata:
    /// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration", "Code"?}`.
    public static func metadataCredentials(_ bytes: [UInt8]) throws -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw CredentialSourceError.failed("the answer is not a JSON object")
        }
        if let code = object["Code"] as? String, code != "Success" {
            throw CredentialSourceError.failed("the endpoint answered Code \(code)"
                + ((object["Message"] as? String).map { ": \($0)" } ?? ""))
        }
        return try credentials(object, id: "AccessKeyId", secret: "SecretAccessKey", token: "Token",
                               expiration: "Expiration")
    }

    /// The output of a `credential_process` (`Version: 1`).
    public static func processCredentials(_ bytes: [UInt8]) throws -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw CredentialSourceError.failed("credential_process output is not a JSON object")
        }
        guard (object["Version"] as? Int) == 1 else {
            throw CredentialSourceError.failed("credential_process output has no \"Version\": 1")
        }
        return try credentials(object, id: "AccessKeyId", secret: "SecretAccessKey", token: "SessionToken",
                               expiration: "Expiration")
    }

    /// The answer of SSO GetRoleCredentials: `{"roleCredentials": {accessKeyId, secretAccessKey, sessionToken, expiration (ms)}}`.
    public static func ssoRoleCredentials(_ bytes: [UInt8]) throws -> AWSCredentials {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let role = object["roleCredentials"] as? [String: Any] else {
            throw CredentialSourceError.failed("GetRoleCredentials answer has no roleCredentials")
        }
        guard let id = role["accessKeyId"] as? String, !id.isEmpty, let secret = role["secretAccessKey"] as? String,
              !secret.isEmpty else {
            throw CredentialSourceError.failed("GetRoleCredentials answer lacks accessKeyId or secretAccessKey")
        }
        let token = (role["sessionToken"] as? String).flatMap { $0.isEmpty ? nil : Secret($0) }
        let expiration = (role["expiration"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue / 1000) }
        return AWSCredentials(accessKeyId: id, secretAccessKey: Secret(secret), sessionToken: token, expiration: expiration)
    }

    /// The SSO token cache file the AWS CLI writes (`~/.aws/sso/cache/<sha1>.json`).
    public struct SSOToken: Sendable {
        public var accessToken: Secret
        public var expiresAt: Date
    }

    /// Reads an SSO cache file.
    public static func ssoToken(_ bytes: [UInt8]) throws -> SSOToken {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw CredentialSourceError.failed("the SSO token cache is not a JSON object")
        }
        guard let token = object["accessToken"] as? String, !token.isEmpty,
              let expires = (object["expiresAt"] as? String).flatMap(parseDate) else {
            throw CredentialSourceError.failed("the SSO token cache lacks accessToken or expiresAt")
        }
        return SSOToken(accessToken: Secret(token), expiresAt: expires)
    }

    private static func credentials(_ object: [String: Any], id: String, secret: String, token: String,
                                    expiration: String) throws -> AWSCredentials {
        guard let keyId = object[id] as? String, !keyId.isEmpty else { throw CredentialSourceError.failed("no \(id) in the answer") }
        guard let key = object[secret] as? String, !key.isEmpty else { throw CredentialSourceError.failed("no \(secret) in the answer") }
        var expiry: Date?
        if let text = object[expiration] as? String {
            guard let date = parseDate(text) else { throw CredentialSourceError.failed("\(expiration) is not an ISO 8601 date") }
            expiry = date
        }
        let session = (object[token] as? String).flatMap { $0.isEmpty ? nil : Secret($0) }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: Secret(key), sessionToken: session, expiration: expiry)
    }
}
