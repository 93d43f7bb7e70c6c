import Foundation
import IngestTestSupport
import Testing

/// Issue 14: `run` with `AWS_ENDPOINT_URL_S3=127.0.0.1:8333` failed late as `[NET_TLS]: tls`; it is a
/// configuration error (exit 3) before any work, naming the fix.
@Suite struct S3EndpointCommandLineTests {
    static let binary = ProcessRunner.product("skylark-ingest")
    static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    @Test(.enabled(if: available))
    func endpointWithoutSchemeExitsThreeWithTheSchemeHint() async throws {
        let dir = try TempDirectory(prefix: "endpoint")
        defer { dir.remove() }
        let manifest = try dir.write("m.yaml", "version: 1\nassets:\n  - {id: a, mode: simple, video: a.mp4}\n")
        _ = try dir.write("a.mp4", Data([0, 0, 0, 0x10] + Array("ftypisom".utf8) + [0, 0, 0, 0]))
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SKYLARK_") && !$0.key.hasPrefix("AWS_") }
        environment["AWS_ENDPOINT_URL_S3"] = "127.0.0.1:8333"
        environment["SKYLARK_WATCHFOLDER_BUCKET"] = "watchfolder"
        environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE"
        environment["AWS_SECRET_ACCESS_KEY"] = "secret-that-must-not-leak"
        let result = try await ProcessRunner.run(Self.binary, ["run", manifest, "--stages", "transfer", "--no-progress"],
                                           environment: environment)
        #expect(result.exitCode == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("S3_ENDPOINT_INVALID"))
        #expect(result.stderr.contains("include the scheme, e.g. http://127.0.0.1:8333"))
        #expect(!result.stderr.contains("NET_TLS"))
        #expect(!result.stderr.contains("secret-that-must-not-leak"))
        #expect(!FileManager.default.fileExists(atPath: manifest + ".checkpoint"))
    }
}
