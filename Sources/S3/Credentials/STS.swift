import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore

/// AWS STS over its query API: endpoint choice, request building and answer parsing (pure) and the call.
public struct STSClient: Sendable {
    public let http: any HTTPClient
    /// e.g. `https://sts.eu-west-1.amazonaws.com` or a test server.
    public let endpoint: String
    /// The signing region (AssumeRole).
    public let region: String

    public init(http: any HTTPClient, endpoint: String, region: String) {
        self.http = http
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.region = region
    }

    /// The STS endpoint: `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the profile's, else regional (global without a region).
    public static func endpoint(environment: [String: String], profileEndpoint: String? = nil, region: String?) -> String {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let url = value("AWS_ENDPOINT_URL_STS") ?? value("AWS_ENDPOINT_URL") ?? profileEndpoint { return url }
        guard let region else { return "https://sts.amazonaws.com" }
        return region.hasPrefix("cn-") ? "https://sts.\(region).amazonaws.com.cn" : "https://sts.\(region).amazonaws.com"
    }

    /// `AssumeRoleWithWebIdentity`: unsigned, the token is the proof.
    public func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, token: Secret,
                                          durationSeconds: Int? = nil) async throws -> AWSCredentials {
        var form = [("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleArn),
                    ("RoleSessionName", sessionName), ("WebIdentityToken", token.revealed)]
        if let durationSeconds { form.append(("DurationSeconds", "\(durationSeconds)")) }
        let request = HTTPRequest(method: "POST", url: endpoint + "/",
                                  headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                                            "Accept": "application/xml"],
                                  body: .bytes(Array(formEncode(form).utf8)))
        let response = try await CredentialHTTP(http: http).send(request, what: "STS \(endpoint)")
        return try STSClient.credentials(from: response, action: "AssumeRoleWithWebIdentity")
    }

    /// `AssumeRole`, SigV4-signed with `source`.
    public func assumeRole(_ role: AssumeRoleSettings, sessionName: String, source: AWSCredentials,
                           date: Date = Date()) async throws -> AWSCredentials {
        var form = [("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", role.roleArn),
                    ("RoleSessionName", sessionName)]
        if let externalId = role.externalId { form.append(("ExternalId", externalId)) }
        if let duration = role.durationSeconds { form.append(("DurationSeconds", "\(duration)")) }
        let body = Array(formEncode(form).utf8)
        let request = signedRequest(body: body, credentials: source, date: date)
        let response = try await CredentialHTTP(http: http).send(request, what: "STS \(endpoint)")
        return try STSClient.credentials(from: response, action: "AssumeRole")
    }

    /// The signed POST of `body` (pure but for the signer's key cache).
    func signedRequest(body: [UInt8], credentials: AWSCredentials, date: Date) -> HTTPRequest {
        let components = URLComponents(string: endpoint)
        let scheme = components?.scheme ?? "https"
        var host = components?.host ?? endpoint
        if host.contains(":") { host = "[\(host)]" }
        if let port = components?.port, !(scheme == "https" && port == 443) && !(scheme == "http" && port == 80) {
            host += ":\(port)"
        }
        let path = (components?.percentEncodedPath).flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"]
        let signer = SigV4Signer(region: region, service: "sts", sendsContentSHA256: false)
        let signature = signer.sign(method: "POST", canonicalURI: path, query: "", host: host, headers: headers,
                                    payload: .bytes(body), credentials: credentials, date: date)
        for (name, value) in signature.addedHeaders { headers.set(name, value) }
        return HTTPRequest(method: "POST", url: endpoint + (path == "/" ? "/" : ""), headers: headers, body: .bytes(body))
    }

    /// The credentials in an STS answer, or the STS error it carries.
    public static func credentials(from response: HTTPResponse, action: String) throws -> AWSCredentials {
        let xml = try? S3XML.parse(response.body)
        guard (200..<300).contains(response.status) else {
            let error = xml?.child("Error") ?? (xml?.name == "Error" ? xml : nil)
            let code = error?["Code"] ?? "HTTP \(response.status)"
            let message = error?["Message"].map { ": \($0)" } ?? ""
            throw CredentialSourceError.failed("STS \(action) refused (\(code)\(message))")
        }
        guard let xml, let result = xml.child("\(action)Result") ?? xml.children.first(where: { $0.name.hasSuffix("Result") }),
              let credentials = result.child("Credentials") else {
            throw CredentialSourceError.failed("STS \(action) answer has no Credentials")
        }
        guard let id = credentials["AccessKeyId"], !id.isEmpty, let secret = credentials["SecretAccessKey"], !secret.isEmpty
        else { throw CredentialSourceError.failed("STS \(action) answer lacks AccessKeyId or SecretAccessKey") }
        let token = credentials["SessionToken"].flatMap { $0.isEmpty ? nil : Secret($0) }
        let expiration = credentials["Expiration"].flatMap(CredentialDocuments.parseDate)
        return AWSCredentials(accessKeyId: id, secretAccessKey: Secret(secret), sessionToken: token, expiration: expiration)
    }

    /// A session name when none is configured: `skylark-ingest-<epoch ms>`.
    public static func defaultSessionName(now: Date = Date()) -> String {
        "skylark-ingest-\(Int64(now.timeIntervalSince1970 * 1000))"
    }
}
