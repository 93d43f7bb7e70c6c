import Testing
@testable import IngestCore

/// Manifests may not use YAML anchors or aliases: an alias expands to a copy of what it names, so a
/// few hundred bytes of nested aliases ("billion laughs") can stand for billions of values.
@Suite struct YAMLAliasTests {
    /// A manifest of a few hundred bytes whose `fields` expand to `width ^ depth` values when aliases
    /// are followed (9 levels of 10 aliases each: a billion strings).
    static func aliasBomb(depth: Int = 9, width: Int = 10) -> String {
        var yaml = "version: 1\nassets:\n  - id: bomb\n    title: Bomb\n    video: media/ep1.mp4\n    fields:\n"
        yaml += "      l0: &l0 [\"lol\"]\n"
        for level in 1...depth {
            let aliases = Array(repeating: "*l\(level - 1)", count: width).joined(separator: ", ")
            yaml += "      l\(level): &l\(level) [\(aliases)]\n"
        }
        return yaml
    }

    @Test func anAliasBombIsRefusedWithOneDiagnosticInsteadOfExpanded() {
        let yaml = Self.aliasBomb()
        #expect(yaml.utf8.count < 1_024)
        let result = validateManifest(yaml)
        // Expanding it would take gigabytes and emit up to a billion diagnostics; refused, it is one.
        #expect(result.diagnostics.count <= ValidationResult.maxDiagnostics)
        #expect(result.diagnostics.rules == [DiagnosticRule.yamlAlias])
        #expect(result.diagnostics.first?.location == SourceLocation(file: "/m/manifest.yaml", line: 7, column: 11))
        #expect(result.manifest == nil)
    }

    @Test func anchorAndAliasAreRefusedAtTheAnchorWithAnActionableMessage() throws {
        let yaml = "version: 1\nassets:\n  - id: a\n    title: T\n    fields: &common {genre: drama}\n    video: a.mp4\n  - id: b\n    title: U\n    fields: *common\n    video: b.mp4\n"
        let result = validateManifest(yaml)
        #expect(result.diagnostics.positions == ["5:13 YAML_ALIAS"])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.message.contains("anchors and aliases are not supported"))
        #expect(diagnostic.message.contains("`&common`"))
        #expect(diagnostic.hint?.contains("write the value out") == true)
        #expect(result.manifest == nil)
    }

    @Test func anAliasWithoutAnAnchorIsAlsoTheAliasRule() {
        let result = validateManifest("version: 1\nassets:\n  - {id: a, title: T, video: v.mp4, fields: *nothing}\n")
        #expect(result.diagnostics.positions == ["3:45 YAML_ALIAS"])
    }

    @Test func anAnchorOnAScalarIsRefused() {
        let result = validateManifest("version: 1\nassets:\n  - {id: &x a, title: T, video: v.mp4}\n")
        #expect(result.diagnostics.rules == [DiagnosticRule.yamlAlias])
    }

    @Test func ampersandAndAsteriskInsideValuesAreText() {
        let result = validateManifest("version: 1\nassets:\n  - {id: a, title: \"Tom & Jerry *live*\", video: v.mp4, fields: {note: a&b*c}}\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.manifest?.assets.first?.title == "Tom & Jerry *live*")
    }
}
