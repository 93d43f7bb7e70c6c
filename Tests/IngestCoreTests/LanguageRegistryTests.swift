import Testing
@testable import IngestCore

/// Issue 14: well-formed but unregistered language tags (`zz`, `english`, `qqq`) used to pass validation.
@Suite struct LanguageRegistryTests {
    private func yaml(language: String) -> String {
        "version: 1\nassets:\n  - id: a\n    title: A\n    video: a.mp4\n    subtitles:\n"
            + "      - {file: a.srt, language: \(language)}\n"
    }

    @Test(arguments: ["zz", "english", "eng", "xx-gb", "en-zy", "en-uk", "sr-Abcd-RS", "fre", "en-999"])
    func unregisteredSubtagsAreLanguageUnknownErrors(_ tag: String) {
        let result = validateManifest(yaml(language: tag))
        let unknown = result.diagnostics.filter { $0.rule == "LANGUAGE_UNKNOWN" }
        #expect(unknown.count == 1, "\(result.diagnostics.map(\.formatted))")
        #expect(unknown.first?.severity == .error)
        #expect(unknown.first?.field == "subtitles[0].language")
        #expect(unknown.first?.location.line == 7)
        #expect(result.hasErrors)
    }

    @Test(arguments: [("english", "did you mean `en` (English)?"), ("eng", "use `en`"), ("eng-GB", "use `en-gb`"),
                      ("fre", "use `fr`"), ("ger", "use `de`"), ("french-CA", "did you mean `fr-ca` (French)?"),
                      ("spanis", "did you mean `es` (Spanish)?"), ("en-uk", "the United Kingdom is `gb` (e.g. `en-gb`)")])
    func unknownTagsCarryTheClosestKnownCodeAsHint(_ tag: String, _ hint: String) {
        let finding = LanguageRegistry.findings(tag).first
        #expect(finding?.rule == "LANGUAGE_UNKNOWN")
        #expect(finding?.hint == hint)
    }

    @Test func threeLetterCodeWithATwoLetterFormNamesTheLanguage() {
        #expect(LanguageRegistry.findings("eng").first?.message
                == "`eng` is not a BCP 47 language subtag: English has the two-letter ISO 639-1 code `en`, and BCP 47 uses it")
    }

    @Test(arguments: ["en", "en-gb", "en-GB", "fr", "pt-BR", "zh-Hant-TW", "es-419", "sr-Latn-RS", "de-CH-1996", "gsw",
                      "yue", "zh-yue-HK", "und", "mul", "ast", "fil", "haw", "en-US-x-twain", "x-private", "i-klingon",
                      "en-001", "ar-EG", "nb", "se"])
    func registeredTagsHaveNoFindings(_ tag: String) {
        #expect(LanguageRegistry.findings(tag) == [])
        #expect(validateManifest(yaml(language: tag)).diagnostics.filter { $0.rule.hasPrefix("LANGUAGE") } == [])
    }

    @Test(arguments: ["qqq", "qaa", "qtz", "en-QM", "en-XA", "en-ZZ", "en-AA", "sr-Qaaa"])
    func privateUseSubtagsWarnButDoNotFail(_ tag: String) {
        let result = validateManifest(yaml(language: tag))
        let rules = result.diagnostics.filter { $0.rule.hasPrefix("LANGUAGE") }
        #expect(rules.map(\.rule) == ["LANGUAGE_PRIVATE_USE"], "\(result.diagnostics.map(\.formatted))")
        #expect(rules.first?.severity == .warning)
        #expect(!result.hasErrors)
    }

    @Test func qualifiersJustOutsideThePrivateRangeAreUnknown() {
        // `qua` (Quapaw) is a real ISO 639-3 code; `quz` too. `qza` is neither private nor registered.
        #expect(LanguageRegistry.findings("qua") == [])
        #expect(LanguageRegistry.findings("qza").first?.rule == "LANGUAGE_UNKNOWN")
    }

    @Test func unknownDefaultsLanguageIsReportedOnceAtTheDefaults() {
        let text = "version: 1\ndefaults:\n  language: english\nassets:\n"
            + "  - {id: a, title: A, video: a.mp4, subtitles: [{file: a.srt}, {file: b.vtt, language: fr}]}\n"
        let result = validateManifest(text)
        let unknown = result.diagnostics.filter { $0.rule == "LANGUAGE_UNKNOWN" }
        #expect(unknown.map(\.field) == ["defaults.language"])
        #expect(unknown.first?.location.line == 3)
        #expect(unknown.first?.hint == "did you mean `en` (English)?")
    }

    @Test func unknownCSVSubtitleColumnLanguageIsReportedAtTheHeader() {
        let result = validateManifest("id,title,video,subtitle.zz,subtitle.qqq,subtitle.fr\na,A,a.mp4,a.srt,b.srt,c.srt\n",
                                      path: "/m/m.csv", format: .csv)
        let language = result.diagnostics.filter { $0.rule.hasPrefix("LANGUAGE") }
        #expect(language.map(\.rule) == ["LANGUAGE_UNKNOWN", "LANGUAGE_PRIVATE_USE"])
        #expect(language.map(\.field) == ["subtitle.zz", "subtitle.qqq"])
        #expect(language.map(\.location.line) == [1, 1])
    }

    @Test func longPrimarySubtagThatNamesNoLanguageGetsAGenericHint() {
        let finding = LanguageRegistry.findings("zzzzzzzz").first
        #expect(finding?.message == "`zzzzzzzz` is not a known language code (language subtags are ISO 639 codes of 2 or 3 letters)")
        #expect(finding?.hint == "use an ISO 639 code such as `en`, `fr` or `pt-br`")
    }
}
