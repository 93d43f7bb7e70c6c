import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing

/// `AWS_CA_BUNDLE` / `--ca-bundle` add to the system store instead of replacing it.
@Suite(.serialized, .enabled(if: TestCertificate.isAvailable, "needs the openssl tool to make a certificate"))
struct CABundleTests {
    @Test func combinedBundleHoldsTheSystemCertificatesAndTheExtraOnes() async throws {
        let certificate = try await TestCertificate()
        defer { certificate.directory.remove() }
        let system = try certificate.directory.write("system.pem", "-----BEGIN CERTIFICATE-----\nSYSTEM\n-----END CERTIFICATE-----")
        let combined = try CABundle.combined(with: certificate.certificate, environment: ["SSL_CERT_FILE": system])
        let text = try String(contentsOfFile: combined, encoding: .utf8)
        #expect(text.hasPrefix("-----BEGIN CERTIFICATE-----\nSYSTEM\n-----END CERTIFICATE-----\n"))
        #expect(text.hasSuffix(try String(contentsOfFile: certificate.certificate, encoding: .utf8)))
        // The system bundle itself is not doubled.
        #expect(try CABundle.combined(with: system, environment: ["SSL_CERT_FILE": system]) == system)
        #expect(throws: IngestError.self) { try CABundle.combined(with: certificate.directory.path("missing.pem")) }
    }

    @Test func combinedBundleTrustsTheExtraCertificate() async throws {
        try await withTeardown { teardown in
            let certificate = try await TestCertificate()
            teardown.remove(certificate.directory)
            let server = try await teardown.stop(TestHTTPServer(tls: (certificate.certificate, certificate.key)))
            var configuration = CurlHTTPClient.Configuration()
            configuration.caBundle = try CABundle.combined(with: certificate.certificate)
            let response = try await CurlHTTPClient(configuration: configuration)
                .execute(HTTPRequest(method: "PUT", url: "\(server.base)/echo", body: .bytes([1, 2, 3])))
            #expect(response.status == 200)
        }
    }
}
