import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

/// The JSON Schema and the Swift validator must agree on what is structurally valid, checked by an
/// independent validator (Python `jsonschema` over PyYAML) run as a subprocess.
@Suite(.offThePool) struct SchemaAgreementTests {
    /// Rules the schema expresses; a file is structurally invalid for Swift when one of them fires.
    static let structuralRules: Set<String> = [
        DiagnosticRule.type, DiagnosticRule.unknownKey, DiagnosticRule.missingField, DiagnosticRule.version,
        DiagnosticRule.empty, DiagnosticRule.modeInvalid, DiagnosticRule.idInvalid, DiagnosticRule.uidInvalid,
        DiagnosticRule.slugInvalid, DiagnosticRule.fieldTooLong, DiagnosticRule.simpleModeExtras,
        DiagnosticRule.titleRequired, DiagnosticRule.languageMissing,
        // The schema refuses explicit keys with a leading `/`, `.`/`..` segments, control, bidi and invisible
        // characters, or under `processed/`/`failed/`. It cannot see the key derived from a video's file
        // name, nor count UTF-8 bytes: a corpus file whose only key problem is one of those would disagree.
        DiagnosticRule.keyInvalid, DiagnosticRule.keyReserved,
    ]
    /// Files with these problems are out of scope: PyYAML cannot read them or reads them differently.
    /// Anchors and aliases (`YAML_ALIAS`) are refused by both sides (the script reports them unreadable
    /// instead of expanding them).
    static let unreadableRules: Set<String> = [DiagnosticRule.syntax, DiagnosticRule.encoding, DiagnosticRule.duplicateKey,
                                               DiagnosticRule.yamlAlias]

    static func pythonAvailable() async -> Bool {
        guard let python = ProcessRunner.which("python3"),
              let result = try? await ProcessRunner.run(python, ["-c", "import jsonschema, yaml"]) else { return false }
        return result.exitCode == 0
    }

    /// The example manifest, the schema cases, and every YAML file of the bad corpus (when present).
    static func cases() -> [String] {
        let fixtures = repositoryRoot.appendingPathComponent("Tests/IngestCoreTests/Fixtures")
        var files = [repositoryRoot.appendingPathComponent("manifests/example.yaml").path]
        for folder in ["schema", "bad"] {
            let base = fixtures.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") {
                files.append(base.appendingPathComponent(relative).path)
            }
        }
        return files.sorted()
    }

    @Test(.enabled("needs python3 with jsonschema and PyYAML (scripts/test installs them)") { await pythonAvailable() })
    func schemaAndSwiftValidatorAgreeOnStructure() async throws {
        let files = Self.cases()
        #expect(files.count >= 25)
        let python = try #require(ProcessRunner.which("python3"))
        let script = repositoryRoot.appendingPathComponent("scripts/check-manifest-schema.py").path
        let schema = repositoryRoot.appendingPathComponent("schemas/manifest.schema.json").path
        let run = try await ProcessRunner.run(python, [script, schema] + files)
        #expect(run.exitCode == 0, "\(run.stderr)")
        let verdicts = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: [String: Any]])

        var compared = 0
        for file in files {
            let swift = ManifestValidator.validate(path: file, checkFiles: false)
            let rules = Set(swift.diagnostics.filter { $0.severity == .error }.map(\.rule))
            if !rules.isDisjoint(with: Self.unreadableRules) { continue }
            let verdict = try #require(verdicts[file], "no verdict for \(file)")
            guard let schemaValid = verdict["valid"] as? Bool else { continue }
            let swiftValid = rules.isDisjoint(with: Self.structuralRules)
            #expect(schemaValid == swiftValid,
                    "\(file): schema says \(schemaValid ? "valid" : "invalid") \(verdict["errors"] ?? []), Swift reports \(rules.sorted())")
            compared += 1
        }
        #expect(compared >= 25)
    }

    @Test func schemaCasesNamedInvalidAreInvalidForSwift() {
        for file in Self.cases() where file.contains("/schema/") {
            let swift = ManifestValidator.validate(path: file, checkFiles: false)
            let structural = swift.diagnostics.contains { Self.structuralRules.contains($0.rule) }
            let name = (file as NSString).lastPathComponent
            #expect(structural == name.hasPrefix("invalid-"), "\(name): \(swift.diagnostics.map(\.formatted))")
        }
    }
}
