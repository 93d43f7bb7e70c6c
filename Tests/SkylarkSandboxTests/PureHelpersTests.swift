import Foundation
import IngestCore
import Testing
@testable import SkylarkSandbox

/// Routing, multipart, tokens and fault decisions: pure pieces of the server.
@Suite struct PureHelpersTests {
    @Test func credentialSourceRoutesMatch() {
        #expect(Route.match(path: "/latest/api/token") == .imdsToken)
        #expect(Route.match(path: "/latest/meta-data/iam/security-credentials/") == .imdsCredentials(role: nil))
        #expect(Route.match(path: "/latest/meta-data/iam/security-credentials/role-a") == .imdsCredentials(role: "role-a"))
        #expect(Route.match(path: "/latest/meta-data/iam/info") == .unknown)
        #expect(Route.match(path: "/_creds/container/v2/credentials/x") == .containerCredentials)
        #expect(Route.match(path: "/_sts/") == .sts)
        #expect(Route.match(path: "/federation/credentials") == .ssoRoleCredentials)
        #expect(Route.sts.area == .credentials && Route.imdsToken.area == .credentials)
    }

    @Test func routesMatchTheirTemplates() {
        let uid = "asse_0123456789abcdef0123456789abcdef"
        #expect(Route.match(path: "/api/assets/") == .assets)
        #expect(Route.match(path: "/api/assets/\(uid)/") == .asset(uid))
        #expect(Route.match(path: "/api/assets/\(uid)") == .asset(uid))
        #expect(Route.match(path: "/api/assets/versions/data-source/My%20Video/") == .assetByDataSource("My Video"))
        #expect(Route.match(path: "/api/documents/docu_x/upload/") == .documentUpload("docu_x"))
        #expect(Route.match(path: "/cognito/") == .cognito)
        #expect(Route.match(path: "/_admin/state") == .adminState)
        #expect(Route.match(path: "/api/nothing/") == .unknown)
        #expect(Route.match(path: "/api/assets/\(uid)/").template == "/api/assets/{uid}/")
    }

    @Test func uidReferencesAcceptPathsAndAbsoluteURLs() {
        let uid = "text_0123456789abcdef0123456789abcdef"
        #expect(SkylarkUID.parse("/api/text-tracks/\(uid)/", kind: .textTrack) == uid)
        #expect(SkylarkUID.parse("http://127.0.0.1:9/api/text-tracks/\(uid)/", kind: .textTrack) == uid)
        #expect(SkylarkUID.parse("/api/assets/\(uid)/", kind: .textTrack) == nil)
        #expect(SkylarkUID.parse("/api/text-tracks/text_XYZ/", kind: .textTrack) == nil)
    }

    @Test func queryStringDecodesPlusAndPercent() {
        #expect(QueryString.parse("name=Text%20track&x=a+b&x=second") == ["name": "Text track", "x": "a b"])
    }

    @Test func multipartYieldsTheFilePart() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.srt\"\r\nContent-Type: application/x-subrip\r\n\r\n"
            + "1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n\r\n--XyZ--\r\n"
        #expect(Multipart.boundary(contentType: "multipart/form-data; boundary=XyZ") == "XyZ")
        #expect(Multipart.boundary(contentType: "application/json") == nil)
        let parts = Multipart.parse(Array(body.utf8), boundary: "XyZ")
        #expect(parts?.count == 2)
        #expect(parts?[1].name == "file")
        #expect(parts?[1].fileName == "a.srt")
        #expect(parts.map { String(decoding: $0[1].body, as: UTF8.self) } == "1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n")
        #expect(Multipart.parse(Array("garbage".utf8), boundary: "XyZ") == nil)
    }

    @Test func tokensVerifyUntilTheyExpire() {
        let signer = TokenSigner(key: Array(repeating: 7, count: 32))
        let claims = TokenClaims(sub: "s", username: "demo", tokenUse: "id", iat: 1000, exp: 1002, iss: "i", aud: "a", jti: "j")
        let token = signer.issue(claims)
        #expect(token.split(separator: ".").count == 3)
        #expect(signer.verify(token, use: "id", now: Date(timeIntervalSince1970: 1001)) == .success(claims))
        #expect(signer.verify(token, use: "id", now: Date(timeIntervalSince1970: 1002)) == .failure(.expired))
        #expect(signer.verify(token, use: "access", now: Date(timeIntervalSince1970: 1001)) == .failure(.wrongUse))
        let other = TokenSigner(key: Array(repeating: 8, count: 32))
        #expect(other.verify(token, use: "id", now: Date(timeIntervalSince1970: 1001)) == .failure(.badSignature))
        #expect(signer.verify("not-a-token", use: "id", now: Date()) == .failure(.malformed))
    }

    @Test func faultDecisionFollowsCumulativeProbabilities() {
        var config = FaultConfiguration()
        config.pDrop = 0.1
        config.p500 = 0.1
        config.p503 = 0.1
        config.p429 = 0.1
        config.pCommitThen500 = 0.1
        config.pLatency = 0.5
        config.latencyMs = 20
        config.latencySpikeMs = 300
        #expect(config.decide(pick: 0.05, spike: 0.9).fault == .drop)
        #expect(config.decide(pick: 0.15, spike: 0.9).fault == .serverError)
        #expect(config.decide(pick: 0.25, spike: 0.9).fault == .unavailable)
        #expect(config.decide(pick: 0.35, spike: 0.9).fault == .rateLimited)
        #expect(config.decide(pick: 0.45, spike: 0.9).fault == .commitThenServerError)
        #expect(config.decide(pick: 0.55, spike: 0.9) == FaultDecision(fault: nil, delayMs: 20))
        #expect(config.decide(pick: 0.55, spike: 0.1).delayMs == 320)
        config.pCommitThenDrop = 0.1
        #expect(config.decide(pick: 0.55, spike: 0.9).fault == .commitThenDrop)
        #expect(config.decide(pick: 0.65, spike: 0.9).fault == nil)
        config.p500 = 0.9
        #expect(config.validationError != nil)
    }

    @Test func faultMethodsLimitFaultsButNotLatency() async {
        var config = FaultConfiguration()
        config.pCommitThenDrop = 1
        config.latencyMs = 5
        config.faultMethods = ["POST"]
        #expect(config.appliesFaults(to: "post") && !config.appliesFaults(to: "GET"))
        let injector = FaultInjector(configuration: config, seed: 1)
        #expect(await injector.decide(method: "POST") == FaultDecision(fault: .commitThenDrop, delayMs: 5))
        #expect(await injector.decide(method: "GET") == FaultDecision(fault: nil, delayMs: 5))
    }

    @Test func seededGeneratorReplaysTheSameSequence() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        var c = SplitMix64(seed: 43)
        let xs = (0..<5).map { _ in a.unit() }
        #expect(xs == (0..<5).map { _ in b.unit() })
        #expect(xs != (0..<5).map { _ in c.unit() })
        #expect(xs.allSatisfy { (0..<1).contains($0) })
    }

    @Test func faultSettingsMergeOnlyTheGivenKeys() throws {
        var config = FaultConfiguration()
        config.latencyMs = 20
        struct Merge: Decodable {
            var apply: (inout FaultConfiguration) throws -> Void
            init(from decoder: any Decoder) throws { apply = { try $0.merge(from: decoder) } }
        }
        try JSONDecoder().decode(Merge.self, from: Data(#"{"p_503": 0.25}"#.utf8)).apply(&config)
        #expect(config.p503 == 0.25)
        #expect(config.latencyMs == 20)
        try JSONDecoder().decode(Merge.self, from: Data(#"{"p_commit_then_drop": 0.5, "fault_methods": ["post"]}"#.utf8))
            .apply(&config)
        #expect(config.pCommitThenDrop == 0.5 && config.faultMethods == ["POST"])
        #expect(config.p503 == 0.25)
    }
}
