import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

/// One folder of the bad-input corpus: a manifest, the files it names, and the diagnostic it must produce.
struct BadCorpusCase: Sendable, CustomTestStringConvertible {
    /// The folder name, e.g. `yaml-id-duplicate`.
    var name: String
    /// The folder's absolute path.
    var folder: String
    /// `manifest.yaml` or `manifest.csv`.
    var manifest: String
    /// The rule id that must be reported.
    var rule: String
    var line: Int
    var column: Int
    /// The file the diagnostic points into, relative to the folder (the manifest, or a subtitle file).
    var file: String

    var testDescription: String { name }

    /// The expected diagnostic as the text output starts it: `FILE:LINE:COL: error[RULE]`.
    var expectedPrefix: String { "\(file):\(line):\(column): error[\(rule)]" }

    /// Every case under `Fixtures/bad/`, sorted by name.
    static func all() throws -> [BadCorpusCase] {
        let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("bad")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        return try names.compactMap { name in
            let folder = root.appendingPathComponent(name)
            let expectedURL = folder.appendingPathComponent("expected.json")
            guard FileManager.default.fileExists(atPath: expectedURL.path) else { return nil }
            let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: expectedURL))
            let manifest = FileManager.default.fileExists(atPath: folder.appendingPathComponent("manifest.yaml").path)
                ? "manifest.yaml" : "manifest.csv"
            return BadCorpusCase(name: name, folder: folder.path, manifest: manifest, rule: expected.rule,
                                 line: expected.line, column: expected.column, file: expected.file)
        }
    }

    private struct Expected: Decodable {
        var rule: String
        var line: Int
        var column: Int
        var file: String
    }
}

/// Every broken manifest of the corpus is rejected with its rule at its position, in-process and
/// by the built binary, and no input (or any prefix of it) crashes the loaders.
@Suite(.offThePool) struct BadCorpusTests {
    static let cases: [BadCorpusCase] = (try? BadCorpusCase.all()) ?? []

    /// Cases where the validator disagrees with the position the corpus expects, and why. Each is run
    /// under `withKnownIssue`, so the test fails once the disagreement is fixed (then remove the entry).
    /// Cases whose expected position the validator does not produce yet (none since the YAML loader
    /// reports a duplicate key at its second occurrence).
    static let knownDisagreements: [String: String] = [:]

    static let binary = ProcessRunner.product("skylark-ingest")
    static var binaryExists: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    @Test func corpusHasAtLeastFortyCasesInBothFormats() async throws {
        let all = try BadCorpusCase.all()
        #expect(all.count >= 40)
        #expect(all.filter { $0.manifest == "manifest.yaml" }.count >= 20)
        #expect(all.filter { $0.manifest == "manifest.csv" }.count >= 20)
        for item in all {
            #expect(FileManager.default.fileExists(atPath: "\(item.folder)/\(item.file)"), "\(item.name): \(item.file)")
        }
    }

    @Test func corpusCoversEverySubtitleRule() async throws {
        let rules = Set(try BadCorpusCase.all().map(\.rule))
        for rule in [SubtitleRule.format, SubtitleRule.encoding, SubtitleRule.empty, SubtitleRule.syntax,
                     SubtitleRule.timestamp, SubtitleRule.timing, SubtitleRule.order] {
            #expect(rules.contains(rule), "no case for \(rule)")
        }
    }

    @Test(arguments: cases)
    func validatorReportsTheRuleAtItsPosition(_ item: BadCorpusCase) {
        let result = ManifestValidator.validate(path: "\(item.folder)/\(item.manifest)")
        #expect(result.hasErrors, "\(item.name) validated without errors")
        let found = result.diagnostics.map { diagnostic -> String in
            var file = diagnostic.location.file
            if file.hasPrefix(item.folder + "/") { file.removeFirst(item.folder.count + 1) }
            return "\(file):\(diagnostic.location.line):\(diagnostic.location.column): \(diagnostic.severity.rawValue)[\(diagnostic.rule)]"
        }
        let check = { #expect(found.contains(item.expectedPrefix), "\(item.name): expected \(item.expectedPrefix), got \(found)") }
        if let reason = Self.knownDisagreements[item.name] {
            withKnownIssue(Comment(rawValue: reason)) { check() }
        } else {
            check()
        }
    }

    @Test(.enabled(if: binaryExists, "build the skylark-ingest product first (swift build --build-tests)"),
          arguments: cases)
    func binaryExitsTwoAndPrintsTheRule(_ item: BadCorpusCase) async throws {
        let text = try await ProcessRunner.run(Self.binary, ["validate", item.manifest], currentDirectory: item.folder)
        #expect(text.exitCode == 2, "\(item.name): exit \(text.exitCode)\n\(text.stdout)\(text.stderr)")
        let lines = text.stdout.split(separator: "\n")
        let check = {
            #expect(lines.contains { $0.hasPrefix(item.expectedPrefix + ": ") },
                    "\(item.name): expected \(item.expectedPrefix)\n\(text.stdout)")
        }
        if let reason = Self.knownDisagreements[item.name] {
            withKnownIssue(Comment(rawValue: reason)) { check() }
        } else {
            check()
        }

        let json = try await ProcessRunner.run(Self.binary, ["validate", item.manifest, "--format", "json"],
                                         currentDirectory: item.folder)
        #expect(json.exitCode == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any],
                                  "\(item.name): --format json is not a JSON object")
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.contains { $0["rule"] as? String == item.rule }, "\(item.name): JSON lacks \(item.rule)")
    }

    /// Every prefix of every corpus manifest loads and validates without crashing (files unchecked):
    /// truncation is the most common way real manifests break.
    @Test(arguments: cases)
    func everyPrefixOfTheManifestValidatesWithoutCrashing(_ item: BadCorpusCase) async throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(item.folder)/\(item.manifest)")))
        let format: ManifestFormat = item.manifest.hasSuffix(".csv") ? .csv : .yaml
        let step = max(1, bytes.count / 200)
        for end in stride(from: 0, through: bytes.count, by: step) {
            let result = ManifestValidator.validate(bytes: Array(bytes[0..<end]), path: "/corpus/\(item.manifest)",
                                                    format: format, checkFiles: false)
            for diagnostic in result.diagnostics {
                #expect(diagnostic.location.line >= 1 && diagnostic.location.column >= 1)
            }
        }
    }
}
