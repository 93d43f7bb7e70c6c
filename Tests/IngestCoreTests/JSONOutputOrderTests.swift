import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

/// Issue 14: JSON outputs must not depend on the encoder's key order: keys sorted, two runs byte-identical.
@Suite struct JSONOutputOrderTests {
    static let binary = ProcessRunner.product("skylark-ingest")
    static var binaryExists: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// The keys of the objects at `indent` spaces, in the order the text has them.
    func keys(_ json: String, indent: Int) -> [String] {
        let prefix = String(repeating: " ", count: indent) + "\""
        return json.split(separator: "\n").compactMap { line in
            guard line.hasPrefix(prefix), !line.dropFirst(prefix.count).hasPrefix(" ") else { return nil }
            return line.dropFirst(prefix.count).split(separator: "\"").first.map(String.init)
        }
    }

    @Test func validateJSONHasSortedKeys() {
        let result = validateManifest("id,title,video\nbad id,T,missing.mp4\n", path: "/m/m.csv", format: .csv)
        let json = DiagnosticFormatter.json(result, manifestPath: "/m/m.csv")
        let top = keys(json, indent: 2)
        #expect(top == ["diagnostics", "errors", "manifest", "suppressed", "valid", "warnings"], "\(json)")
        let entry = Array(keys(json, indent: 6).prefix(9))
        #expect(entry == ["column", "field", "file", "hint", "item_id", "line", "message", "rule", "severity"], "\(json)")
    }

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first"))
    func validateAndStatusJSONAreByteIdenticalAcrossRuns() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let manifest = try dir.write("m.csv", "id,title,video,subtitle.fr\nbad id,T,missing.mp4,x.srt\nok,T,v.mp4,\n")
        var outputs: [String] = []
        for _ in 0..<2 {
            let run = try await ProcessRunner.run(Self.binary, ["validate", manifest, "--format", "json"])
            #expect(run.exitCode == 2)
            outputs.append(run.stdout)
        }
        #expect(outputs[0] == outputs[1])
        #expect(keys(outputs[0], indent: 2) == ["diagnostics", "errors", "manifest", "suppressed", "valid", "warnings"])

        let valid = try dir.write("v.csv", "id,title,video\na,A,v.mp4\nb,B,w.mp4\n")
        #expect(FileManager.default.createFile(atPath: valid + ".checkpoint", contents: Data()))
        var statuses: [String] = []
        for _ in 0..<2 {
            let run = try await ProcessRunner.run(Self.binary, ["status", valid, "--format", "json"])
            #expect(run.exitCode == 0, "\(run.stderr)")
            statuses.append(run.stdout)
        }
        #expect(statuses[0] == statuses[1])
        let top = keys(statuses[0], indent: 2)
        #expect(top == top.sorted() && !top.isEmpty, "\(statuses[0])")
    }
}
