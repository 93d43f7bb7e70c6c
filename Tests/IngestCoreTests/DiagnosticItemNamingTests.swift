import Testing
@testable import IngestCore

/// Every diagnostic that belongs to an item names it in the text output, as the JSON's `item_id` does.
@Suite struct DiagnosticItemNamingTests {
    @Test(arguments: BadCorpusTests.cases)
    func everyItemDiagnosticOfTheCorpusNamesItsItemInText(_ item: BadCorpusCase) {
        let result = ManifestValidator.validate(path: "\(item.folder)/\(item.manifest)")
        let text = DiagnosticFormatter.text(result, manifestPath: "\(item.folder)/\(item.manifest)")
        for diagnostic in result.diagnostics {
            guard let id = diagnostic.itemID else { continue }
            let naming = "(item \(DiagnosticText.quoted(id)))"
            #expect(diagnostic.formatted.hasSuffix(naming), "\(item.name): \(diagnostic.formatted)")
            #expect(text.contains(diagnostic.formatted))
        }
    }

    @Test func titleRequiredNamesItsItem() {
        let result = validateManifest("version: 1\nassets:\n  - {id: ep-7, video: v.mp4}\n")
        #expect(result.diagnostics.map(\.formatted)
            == ["/m/manifest.yaml:3:5: error[TITLE_REQUIRED]: a new advanced-mode asset needs a `title` (item \"ep-7\")"])
    }

    @Test func simpleModeExtrasNamesItsItem() {
        let result = validateManifest("version: 1\nassets:\n  - {id: ep-8, mode: simple, title: T, video: v.mp4}\n")
        #expect(result.diagnostics.map(\.formatted)
            == ["/m/manifest.yaml:3:37: error[SIMPLE_MODE_EXTRAS]: `title` is set on a simple-mode asset; Skylark ignores it (item \"ep-8\")"])
    }

    @Test func aDiagnosticWithoutAnItemHasNoItemSuffix() {
        let result = validateManifest("version: 2\nassets:\n  - {id: a, title: T, video: v.mp4}\n")
        #expect(result.diagnostics.map(\.formatted) == ["/m/manifest.yaml:1:10: error[MANIFEST_VERSION]: unsupported manifest version 2"])
    }

    @Test func anItemIDWithHostileCharactersIsEscapedInTheSuffix() throws {
        let result = validateManifest("version: 1\nassets:\n  - {id: \"a\\u202Eb\", title: T, video: v.mp4}\n")
        let diagnostic = try #require(result.diagnostics.first { $0.rule == DiagnosticRule.idInvalid })
        #expect(diagnostic.formatted.hasSuffix("(item \"a\\u{202E}b\")"), "\(diagnostic.formatted)")
    }
}
