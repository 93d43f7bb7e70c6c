import Testing
@testable import IngestCore

@Suite struct BCP47Tests {
    @Test(arguments: ["en", "en-gb", "en-GB", "fr", "zh-Hant-TW", "es-419", "sr-Latn-RS", "de-CH-1996",
                      "x-private", "en-US-x-twain", "i-klingon", "zh-yue-HK", "en-a-bbb-x-a-ccc", "gsw"])
    func wellFormedTagsAreAccepted(_ tag: String) {
        #expect(BCP47.problem(tag) == nil)
    }

    @Test(arguments: ["", "en_GB", "english-", "-en", "en--gb", "e", "toolonglanguage", "en-gb-", "é", "en-a",
                      "en-a-bbb-a-ccc", "x", "en-x-toolongsubtag", "12-gb"])
    func malformedTagsAreRejected(_ tag: String) {
        #expect(BCP47.problem(tag) != nil)
    }

    @Test func underscoreGetsAPointedExplanation() {
        #expect(BCP47.problem("en_GB") == "subtags are separated by `-`, not `_`")
    }
}
