import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import SkylarkSandbox

/// Each fault flag behaves as documented, measured over real requests.
@Suite(.serialized) struct FaultInjectionTests {
    private func statuses(_ http: SandboxHTTP, count: Int, path: String = "/api/asset-types/") async throws -> [Int] {
        var out: [Int] = []
        for _ in 0..<count { out.append(try await http.get(path).status) }
        return out
    }

    @Test func ratesFollowTheProbabilitiesWithinTolerance() async throws {
        try await withSandbox({ $0.faults.p500 = 0.2; $0.faults.p503 = 0.1; $0.faults.p429 = 0.1; $0.seed = 7 }) { _, http in
            let seen = try await statuses(http, count: 400)
            let share = { (code: Int) in Double(seen.filter { $0 == code }.count) / 400 }
            // Binomial standard deviation at n=400 is at most 0.025; allow about 3 of them.
            #expect(abs(share(500) - 0.2) < 0.075, "500 share \(share(500))")
            #expect(abs(share(503) - 0.1) < 0.06, "503 share \(share(503))")
            #expect(abs(share(429) - 0.1) < 0.06, "429 share \(share(429))")
            #expect(abs(share(200) - 0.6) < 0.08, "200 share \(share(200))")
            let state = try await http.adminState()
            let counters = (state["requests"] as? [String: [String: Int]])?["GET /api/asset-types/"]
            #expect(counters?.values.reduce(0, +) == 400)
        }
    }

    @Test func sameSeedReplaysTheSameFaults() async throws {
        let configure: (inout SandboxConfiguration) -> Void = { $0.faults.p500 = 0.5; $0.seed = 99 }
        let first = try await withSandbox(configure) { _, http in try await statuses(http, count: 40) }
        let second = try await withSandbox(configure) { _, http in try await statuses(http, count: 40) }
        #expect(first == second)
        #expect(Set(first) == [200, 500])
    }

    @Test func unavailableAndRateLimitedCarryRetryAfter() async throws {
        try await withSandbox({ $0.faults.p503 = 1 }) { _, http in
            let reply = try await http.post("/api/assets/", ["title": "never"])
            #expect(reply.status == 503)
            #expect(reply.headers["retry-after"] == "1")
            #expect(reply.string("skylark_error_code") == "SERVICE_UNAVAILABLE")
            _ = try await http.send("POST", "/_admin/faults", json: ["p_503": 0, "p_429": 1])
            let limited = try await http.post("/api/assets/", ["title": "never"])
            #expect(limited.status == 429)
            #expect(limited.headers["retry-after"] == "1")
            #expect(limited.string("skylark_error_code") == "RATE_LIMITED")
            _ = try await http.send("POST", "/_admin/faults", json: ["p_429": 0])
            #expect(try await http.get("/api/assets/?slug=never").objects.isEmpty, "a faulted request does nothing")
        }
    }

    @Test func commitThen500ReallyCommits() async throws {
        try await withSandbox({ $0.faults.pCommitThen500 = 1 }) { _, http in
            let reply = try await http.post("/api/assets/", ["title": "Committed anyway"])
            #expect(reply.status == 500)
            #expect(reply.string("skylark_error_code") == "SERVER_ERROR")
            _ = try await http.send("POST", "/_admin/faults", json: ["p_commit_then_500": 0])
            #expect(try await http.get("/api/assets/?slug=committed-anyway").objects.count == 1)
            let retry = try await http.post("/api/assets/", ["title": "Committed anyway"])
            #expect(retry.status == 400, "a blind retry of the POST meets the duplicate")
        }
    }

    @Test func droppedConnectionGetsNoAnswer() async throws {
        try await withSandbox({ $0.faults.pDrop = 1 }) { _, http in
            await #expect(throws: (any Error).self) { _ = try await http.post("/api/assets/", ["title": "dropped"]) }
            _ = try await http.send("POST", "/_admin/faults", json: ["p_drop": 0])
            #expect(try await http.get("/api/assets/?slug=dropped").objects.isEmpty)
            let counters = (try await http.adminState()["requests"] as? [String: [String: Int]])?["POST /api/assets/"]
            #expect(counters == ["0": 1])
        }
    }

    @Test func latencyIsAddedToEveryAPICallButNotToAdmin() async throws {
        try await withSandbox({ $0.faults.latencyMs = 800 }) { _, http in
            let clock = ContinuousClock()
            let api = try await clock.measure { _ = try await http.get("/api/asset-types/") }
            #expect(api >= .milliseconds(800))
            let admin = try await clock.measure { _ = try await http.get("/_admin/health") }
            #expect(admin < .milliseconds(800))
            _ = try await http.send("POST", "/_admin/faults", json: ["latency_ms": 0, "p_latency": 1, "latency_spike_ms": 300])
            let spiked = try await clock.measure { _ = try await http.get("/api/asset-types/") }
            #expect(spiked >= .milliseconds(300))
        }
    }

    @Test func faultsSpareCognitoUnlessAsked() async throws {
        try await withSandbox({ $0.faults.p500 = 1 }) { _, http in
            let body: [String: Any] = ["AuthFlow": "USER_SRP_AUTH", "ClientId": "c", "AuthParameters": ["USERNAME": "demo", "SRP_A": "02"]]
            let headers = ["X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
                           "Content-Type": "application/x-amz-json-1.1"]
            #expect(try await http.send("POST", "/cognito/", json: body, headers: headers).status == 200)
            _ = try await http.send("POST", "/_admin/faults", json: ["faults_on_cognito": true])
            #expect(try await http.send("POST", "/cognito/", json: body, headers: headers).status == 500)
            let bad = try await http.send("POST", "/_admin/faults", json: ["p_500": 2])
            #expect(bad.status == 400)
        }
    }
}
