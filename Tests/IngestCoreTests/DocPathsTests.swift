import Foundation
import IngestTestSupport
import Testing

/// Issue 14: `docs/sandbox.md` named `manifests/demo.yaml`, which does not exist. Every path README.md
/// and docs/*.md name must exist (`scripts/check-doc-paths`).
@Suite(.offThePool) struct DocPathsTests {
    static let python = ProcessRunner.which("python3")
    static let script = repositoryRoot.appendingPathComponent("scripts/check-doc-paths").path

    @Test(.enabled(if: python != nil, "needs python3"))
    func everyPathTheDocsNameExists() async throws {
        let run = try await ProcessRunner.run(try #require(Self.python), [Self.script, repositoryRoot.path])
        #expect(run.exitCode == 0, "paths named in the docs that do not exist:\n\(run.stdout)\(run.stderr)")
    }

    @Test(.enabled(if: python != nil, "needs python3"))
    func checkerReportsAMissingPathWithItsLine() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path("docs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path("manifests"), withIntermediateDirectories: true)
        _ = try dir.write("manifests/example.yaml", "version: 1\n")
        _ = try dir.write("README.md", "Run `manifests/example.yaml`; see [the guide](docs/guide.md) and `processed/<key>`.\n")
        _ = try dir.write("docs/guide.md", "```sh\nskylark-ingest run manifests/demo.yaml\n```\n[back](../README.md) [gone](../nope.md)\n")
        let run = try await ProcessRunner.run(try #require(Self.python), [Self.script, dir.url.path])
        #expect(run.exitCode == 1)
        #expect(run.stdout == "docs/guide.md:2: manifests/demo.yaml\ndocs/guide.md:4: ../nope.md\n")
    }
}
