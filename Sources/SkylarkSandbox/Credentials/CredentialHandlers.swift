import Foundation
import Hummingbird
import IngestCore

/// The AWS credential sources the sandbox plays for tests (loopback, no faults):
/// - instance metadata (IMDSv2 only): `PUT /latest/api/token`, `GET /latest/meta-data/iam/security-credentials/[ROLE]`;
/// - the container endpoint: `GET /_creds/container/…` (checks `Authorization`);
/// - STS: `POST /_sts/` (or GET with a query) answering `AssumeRoleWithWebIdentity` and `AssumeRole` in XML;
/// - the IAM Identity Center portal: `GET /federation/credentials` (GetRoleCredentials, needs `x-amz-sso_bearer_token`).
struct CredentialHandlers {
    let core: SandboxCore
    var issuer: CredentialIssuer { core.credentials }

    func handle(_ route: Route, _ request: inout Request) async throws -> Response {
        guard await issuer.isEnabled else { throw APIError.notFound("No credential identities configured (--credential-identity).") }
        switch route {
        case .imdsToken:
            guard request.method == .put else { throw APIError(status: 405, code: "BAD_REQUEST", message: "PUT only.") }
            await issuer.count("imds_token")
            guard let ttl = request.headers[.init("x-aws-ec2-metadata-token-ttl-seconds")!].flatMap(Int.init), ttl > 0 else {
                return text("missing x-aws-ec2-metadata-token-ttl-seconds", status: 400)
            }
            return text(await issuer.newIMDSToken(), status: 200)
        case .imdsCredentials(let role):
            let token = request.headers[.init("x-aws-ec2-metadata-token")!]
            guard await issuer.isValidIMDSToken(token) else {
                await issuer.count("imds_unauthorized")
                return text("", status: 401)
            }
            let roleName = issuer.configuration.roleName
            guard let role else {
                await issuer.count("imds_role")
                return text(roleName, status: 200)
            }
            guard role == roleName else { return text("", status: 404) }
            await issuer.count("imds_credentials")
            return try await metadataJSON(source: "imds")
        case .containerCredentials:
            await issuer.count("container")
            guard request.headers[.authorization] == issuer.configuration.containerToken else {
                await issuer.count("container_unauthorized")
                return Responses.json(.object(["Code": .string("Unauthorized"), "Message": .string("bad Authorization")]),
                                      status: 401)
            }
            return try await metadataJSON(source: "container")
        case .sts:
            var form = QueryString.parse(request.uri.query)
            if request.method == .post {
                let body = try await SandboxResponder.body(&request)
                for (name, value) in QueryString.parse(String(decoding: body, as: UTF8.self)) { form[name] = value }
            }
            return try await sts(form, authorization: request.headers[.authorization])
        case .ssoRoleCredentials:
            await issuer.count("sso")
            let query = QueryString.parse(request.uri.query)
            guard let token = request.headers[.init("x-amz-sso_bearer_token")!], !token.isEmpty, token != "expired" else {
                await issuer.count("sso_unauthorized")
                return Responses.json(.object(["message": .string("Session token not found or invalid")]), status: 401)
            }
            guard query["account_id"]?.isEmpty == false, query["role_name"]?.isEmpty == false else {
                return Responses.json(.object(["message": .string("account_id and role_name are required")]), status: 400)
            }
            guard let issued = await issuer.issue(source: "sso") else { throw APIError.notFound("No identities.") }
            return Responses.json(.object(["roleCredentials": .object([
                "accessKeyId": .string(issued.accessKey), "secretAccessKey": .string(issued.secret.revealed),
                "sessionToken": .string(""), "expiration": .number((issued.expiresAt.timeIntervalSince1970 * 1000).rounded()),
            ])]), status: 200)
        default:
            throw APIError.notFound("No credential route.")
        }
    }

    private func metadataJSON(source: String) async throws -> Response {
        guard let issued = await issuer.issue(source: source) else { throw APIError.notFound("No identities.") }
        let formatter = ISO8601DateFormatter()
        return Responses.json(.object([
            "Code": .string("Success"), "Type": .string("AWS-HMAC"),
            "LastUpdated": .string(formatter.string(from: issued.issuedAt)),
            "AccessKeyId": .string(issued.accessKey), "SecretAccessKey": .string(issued.secret.revealed),
            // The local S3 refuses session tokens for its static identities: none is handed out.
            "Token": .string(""), "Expiration": .string(formatter.string(from: issued.expiresAt)),
        ]), status: 200)
    }

    private func sts(_ form: [String: String], authorization: String?) async throws -> Response {
        let action = form["Action"] ?? ""
        switch action {
        case "AssumeRoleWithWebIdentity":
            await issuer.count("sts_web_identity")
            guard let token = form["WebIdentityToken"], !token.isEmpty, form["RoleArn"] != nil,
                  form["RoleSessionName"] != nil else {
                return stsError("InvalidParameterValue", "WebIdentityToken, RoleArn and RoleSessionName are required", 400)
            }
            if token == "invalid" { return stsError("InvalidIdentityToken", "The token is not valid", 400) }
        case "AssumeRole":
            await issuer.count("sts_assume_role")
            guard let authorization, authorization.hasPrefix("AWS4-HMAC-SHA256 Credential="),
                  authorization.contains("/sts/aws4_request") else {
                return stsError("MissingAuthenticationToken", "AssumeRole must be signed with SigV4 for sts", 403)
            }
            guard form["RoleArn"] != nil, form["RoleSessionName"] != nil else {
                return stsError("InvalidParameterValue", "RoleArn and RoleSessionName are required", 400)
            }
        default:
            return stsError("InvalidAction", "Could not find operation \(action)", 400)
        }
        guard let issued = await issuer.issue(source: action == "AssumeRole" ? "sts_assume_role" : "sts_web_identity") else {
            throw APIError.notFound("No identities.")
        }
        let expiration = ISO8601DateFormatter().string(from: issued.expiresAt)
        let xml = """
        <\(action)Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <\(action)Result>
            <AssumedRoleUser><Arn>\(S3XMLEscape.escape(form["RoleArn"] ?? ""))/sandbox</Arn><AssumedRoleId>AROASANDBOX:sandbox</AssumedRoleId></AssumedRoleUser>
            <Credentials>
              <AccessKeyId>\(issued.accessKey)</AccessKeyId>
              <SecretAccessKey>\(S3XMLEscape.escape(issued.secret.revealed))</SecretAccessKey>
              <SessionToken></SessionToken>
              <Expiration>\(expiration)</Expiration>
            </Credentials>
          </\(action)Result>
          <ResponseMetadata><RequestId>\(UUID().uuidString)</RequestId></ResponseMetadata>
        </\(action)Response>
        """
        return Responses.raw(Data(xml.utf8), status: 200, contentType: "text/xml")
    }

    private func stsError(_ code: String, _ message: String, _ status: Int) -> Response {
        let xml = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>\(code)</Code>\
        <Message>\(S3XMLEscape.escape(message))</Message></Error><RequestId>\(UUID().uuidString)</RequestId></ErrorResponse>
        """
        return Responses.raw(Data(xml.utf8), status: status, contentType: "text/xml")
    }

    private func text(_ body: String, status: Int) -> Response {
        Responses.raw(Data(body.utf8), status: status, contentType: "text/plain")
    }
}

/// XML text escaping (the S3 module's, re-exported under a local name).
enum S3XMLEscape {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
