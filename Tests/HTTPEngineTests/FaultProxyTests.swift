import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing

/// Runs `body` with a test server behind the fault proxy; everything is stopped afterwards.
func withFaultProxy(_ faults: FaultProxy.Faults, seed: Int = 7,
                    _ body: (TestHTTPServer, FaultProxy, CurlHTTPClient) async throws -> Void) async throws {
    try await withTeardown { teardown in
        let server = try await teardown.stop(TestHTTPServer())
        let proxy = try await teardown.stop(FaultProxy(upstream: server.base, faults: faults, seed: seed))
        try await body(server, proxy, CurlHTTPClient())
    }
}

@Suite(.serialized) struct FaultProxyTests {
    /// Fast retries: faults are frequent and Retry-After is shortened so the test stays quick.
    let quickRetries = RetryExecutor(policy: RetryPolicy(maxAttempts: 25, base: .milliseconds(1), cap: .milliseconds(20),
                                                         maxRetryAfter: .milliseconds(10)))

    @Test func cleanProxyForwardsBodiesIntactAndCountsOperations() async throws {
        let directory = try TempDirectory(prefix: "fp-clean")
        defer { directory.remove() }
        let path = try makeSparseFile(in: directory, name: "f.bin", size: 6 << 20)
        let expected = try await independentMD5(path: path, offset: 1000, length: 5 << 20)
        try await withFaultProxy(.init()) { _, proxy, client in
            let url = "\(proxy.endpoint)/echo?partNumber=1&uploadId=abc"
            let response = try await client.execute(HTTPRequest(method: "PUT", url: url,
                                                                body: .file(path: path, offset: 1000, length: 5 << 20)))
            #expect(try echo(response).md5 == expected)
            let head = try await client.execute(HTTPRequest(method: "HEAD", url: "\(proxy.endpoint)/echo"))
            #expect(head.status == 200)
            let big = try await client.execute(HTTPRequest(method: "GET", url: "\(proxy.endpoint)/bytes?n=300000"))
            #expect(big.body.count == 300_000)
            let stats = try await proxy.stats()
            #expect(stats.requests["PUT UploadPart"] == 1)
            #expect(stats.forwarded["PUT UploadPart"] == 1)
            #expect(stats.faults.values.reduce(0, +) == 0)
        }
    }

    @Test func uploadsCompleteIntactThroughResetsAndSlowDowns() async throws {
        let directory = try TempDirectory(prefix: "fp-faults")
        defer { directory.remove() }
        let partSize: Int64 = 256 << 10
        let parts = 24
        let path = try makeSparseFile(in: directory, name: "f.bin", size: partSize * Int64(parts))
        let faults = FaultProxy.Faults(p503: 0.2, p500: 0.1, pReset: 0.15, pResetAfter: 0.05, onlyMethods: ["PUT"])
        try await withFaultProxy(faults) { _, proxy, client in
            let executor = quickRetries
            let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for part in 0..<parts {
                    group.addTask {
                        let request = HTTPRequest(method: "PUT", url: "\(proxy.endpoint)/echo?partNumber=\(part + 1)&uploadId=u",
                                                  body: .file(path: path, offset: Int64(part) * partSize, length: partSize))
                        let response = try await executor.execute(request, on: client)
                        #expect(response.status == 200)
                        return (part, try echo(response).md5)
                    }
                }
                var all: [Int: String] = [:]
                for try await (part, md5) in group { all[part] = md5 }
                return all
            }
            for part in 0..<parts {
                let expected = try await independentMD5(path: path, offset: Int64(part) * partSize, length: partSize)
                #expect(results[part] == expected, "part \(part + 1)")
            }
            let stats = try await proxy.stats()
            let injected = stats.faults.values.reduce(0, +)
            #expect(injected > 0)
            #expect(stats.faults["503", default: 0] > 0)
            #expect(stats.faults["reset", default: 0] > 0)
            #expect(stats.requests["PUT UploadPart"] == parts + injected)
        }
    }

    @Test func resetAfterTheRequestIsARetryableTransportError() async throws {
        try await withFaultProxy(.init(pResetAfter: 1)) { _, proxy, client in
            let error = await #expect(throws: TransportError.self) {
                _ = try await client.execute(HTTPRequest(method: "PUT", url: "\(proxy.endpoint)/b/k", body: .bytes([1, 2, 3])))
            }
            #expect(error.map { [.connectionReset, .receiveFailed].contains($0.kind) } == true)
            #expect(error?.isRetryable == true)
            // The upstream did get the whole request: "committed but no answer".
            let stats = try await proxy.stats()
            #expect(stats.forwarded["PUT PutObject"] == 1)
            #expect(stats.faults["reset_after"] == 1)
        }
    }

    @Test func outageFailsFastOnceTheRetryBudgetIsSpent() async throws {
        try await withFaultProxy(.init(p503: 1)) { _, proxy, client in
            let budget = RetryBudget(capacity: 30)
            let executor = RetryExecutor(policy: RetryPolicy(maxAttempts: 5, base: .milliseconds(1), cap: .milliseconds(5),
                                                             maxRetryAfter: .milliseconds(1)), budget: budget)
            var budgetError: RetryBudgetExhaustedError?
            var requestsMade = 0
            for _ in 0..<20 {
                do {
                    requestsMade += 1
                    _ = try await executor.execute(HTTPRequest(method: "GET", url: "\(proxy.endpoint)/echo"), on: client)
                } catch let error as RetryBudgetExhaustedError {
                    budgetError = error
                    break
                }
            }
            let error = try #require(budgetError)
            #expect(error.ingestError.code == .retryBudgetExhausted)
            #expect(error.lastFailure == "HTTP 503")
            // 30 tokens pay for 6 retries: the outage surfaces after a handful of calls, not 20 × 5.
            #expect(requestsMade <= 3)
            #expect(try await proxy.stats().requests.values.reduce(0, +) == 6 + requestsMade)
        }
    }

    @Test func faultsCanBeTurnedOffAtRuntime() async throws {
        try await withFaultProxy(.init(p500: 1)) { _, proxy, client in
            let failing = try await client.execute(HTTPRequest(method: "GET", url: "\(proxy.endpoint)/echo"))
            #expect(failing.status == 500)
            #expect(failing.text.contains("<Code>InternalError</Code>"))
            try await proxy.configure(.init())
            let passing = try await client.execute(HTTPRequest(method: "GET", url: "\(proxy.endpoint)/echo"))
            #expect(passing.status == 200)
        }
    }
}
