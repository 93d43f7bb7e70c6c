import Foundation
import HTTPEngine
import IngestTestSupport
import Testing

/// libcurl reads `http_proxy`/`no_proxy` itself. Changing the environment of the test process
/// would race with every other test, so the check runs in a child: this same test binary, filtered
/// to `ProxyEnvironmentChild`, with the variables set only there.
@Suite(.serialized) struct ProxyEnvironmentTests {
    static let host = "skylark-proxy-check.invalid"

    /// Runs the child test with `environment` added; true when it passed.
    func runChild(_ extra: [String: String]) async throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        for name in ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"] {
            environment.removeValue(forKey: name)
        }
        environment.merge(extra) { _, new in new }
        let binary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        return try await ProcessRunner.run(binary, ["--testing-library", "swift-testing", "--filter", "ProxyEnvironmentChild"],
                                     environment: environment)
    }

    @Test func requestsGoThroughTheProxyNamedInHTTPProxy() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(TestHTTPServer())
            let proxy = try await teardown.stop(FaultProxy(upstream: server.base))
            let result = try await runChild(["SKYLARK_PROXY_CHILD": "via-proxy", "http_proxy": proxy.endpoint])
            #expect(result.exitCode == 0, "child failed:\n\(result.stdout.suffix(1500))\(result.stderr.suffix(500))")
            #expect(try await proxy.stats().requests.values.reduce(0, +) == 1)
        }
    }

    @Test func noProxyBypassesTheProxy() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(TestHTTPServer())
            let proxy = try await teardown.stop(FaultProxy(upstream: server.base))
            let result = try await runChild(["SKYLARK_PROXY_CHILD": "bypass", "http_proxy": proxy.endpoint,
                                       "no_proxy": "\(ProxyEnvironmentTests.host),127.0.0.1"])
            #expect(result.exitCode == 0, "child failed:\n\(result.stdout.suffix(1500))\(result.stderr.suffix(500))")
            #expect(try await proxy.stats().requests.isEmpty)
            // The child really ran its test (an empty filter match would also exit 0).
            #expect((result.stdout + result.stderr).contains("requestToAnUnresolvableHost() passed"))
        }
    }
}

/// The child half of `ProxyEnvironmentTests`; does nothing unless `SKYLARK_PROXY_CHILD` is set.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SKYLARK_PROXY_CHILD"] != nil, "runs only as a child process"))
struct ProxyEnvironmentChild {
    @Test func requestToAnUnresolvableHost() async throws {
        let mode = ProcessInfo.processInfo.environment["SKYLARK_PROXY_CHILD"]
        let client = CurlHTTPClient()
        let request = HTTPRequest(method: "GET", url: "http://\(ProxyEnvironmentTests.host)/echo")
        if mode == "via-proxy" {
            // Only the proxy can reach this host name: it forwards to the test server.
            let response = try await client.execute(request)
            #expect(response.status == 200)
            #expect(try echo(response).method == "GET")
        } else {
            let error = await #expect(throws: TransportError.self) { _ = try await client.execute(request) }
            #expect(error?.kind == .couldNotResolve)
        }
    }
}
