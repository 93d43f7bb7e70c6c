import Foundation
import HTTPEngine
import IngestTestSupport
import Testing

/// A self-signed certificate for 127.0.0.1, made with the `openssl` tool.
struct TestCertificate {
    let directory: TempDirectory
    var certificate: String { directory.path("cert.pem") }
    var key: String { directory.path("key.pem") }

    static var isAvailable: Bool { ProcessRunner.which("openssl") != nil }

    init() async throws {
        directory = try TempDirectory(prefix: "tls")
        let result = try await ProcessRunner.run(ProcessRunner.which("openssl") ?? "/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", directory.path("key.pem"), "-out", directory.path("cert.pem"),
        ])
        guard result.exitCode == 0 else { throw ServerProcessError.exited(status: result.exitCode, log: result.stderr) }
    }
}

@Suite(.serialized, .enabled(if: TestCertificate.isAvailable, "needs the openssl tool to make a certificate"))
struct TLSTests {
    @Test func untrustedCertificateIsRejectedAsANonRetryableTLSError() async throws {
        try await withTeardown { teardown in
            let certificate = try await TestCertificate()
            defer { certificate.directory.remove() }
            let server = try await teardown.stop(TestHTTPServer(tls: (certificate.certificate, certificate.key)))
            let client = CurlHTTPClient()
            let error = await #expect(throws: TransportError.self) {
                _ = try await client.execute(HTTPRequest(method: "GET", url: "\(server.base)/echo"))
            }
            #expect(error?.kind == .tls)
            #expect(error?.isRetryable == false)
        }
    }

    @Test func caBundleMakesTheServerTrusted() async throws {
        try await withTeardown { teardown in
            let certificate = try await TestCertificate()
            defer { certificate.directory.remove() }
            let server = try await teardown.stop(TestHTTPServer(tls: (certificate.certificate, certificate.key)))
            var configuration = CurlHTTPClient.Configuration()
            configuration.caBundle = certificate.certificate
            let client = CurlHTTPClient(configuration: configuration)
            let response = try await client.execute(HTTPRequest(method: "PUT", url: "\(server.base)/echo", body: .bytes([1, 2, 3])))
            #expect(response.status == 200)
            #expect(try echo(response).length == 3)
        }
    }

    @Test func certificateForAnotherHostIsRejectedEvenWhenTrusted() async throws {
        try await withTeardown { teardown in
            let certificate = try await TestCertificate()
            defer { certificate.directory.remove() }
            let server = try await teardown.stop(TestHTTPServer(tls: (certificate.certificate, certificate.key)))
            var configuration = CurlHTTPClient.Configuration()
            configuration.caBundle = certificate.certificate
            let client = CurlHTTPClient(configuration: configuration)
            // "localhost" resolves to the same server, but the certificate names only 127.0.0.1.
            let error = await #expect(throws: TransportError.self) {
                _ = try await client.execute(HTTPRequest(method: "GET", url: "https://localhost:\(server.port)/echo"))
            }
            #expect(error?.kind == .tls)
        }
    }
}
