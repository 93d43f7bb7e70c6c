import Foundation
import IngestTestSupport
import Testing

/// `skylark-ingest --version` (CONTRACT: "version and commit"): the built binary prints
/// `skylark-ingest VERSION` and a `commit:` line, then exits 0.
@Suite struct VersionFlagTests {
    static let binary = ProcessRunner.product("skylark-ingest")
    static var binaryExists: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first (swift build --build-tests builds it)"))
    func versionPrintsTheVersionAndTheCommit() async throws {
        let run = try await ProcessRunner.run(Self.binary, ["--version"])
        #expect(run.exitCode == 0, "\(run.stdout)\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(run.stdout)")
        let version = try #require(lines.first)
        #expect(version.wholeMatch(of: /skylark-ingest \d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?/) != nil, "\(version)")
        let commit = try #require(lines.dropFirst().first)
        // A packaged build names its commit (40 hex digits, `-dirty` for uncommitted changes); a plain
        // `swift build` does not know it and says so.
        #expect(commit.wholeMatch(of: /commit: ([0-9a-f]{40}(-dirty)?|unknown \(development build; .*\))/) != nil, "\(commit)")
    }
}
