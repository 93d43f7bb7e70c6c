import Testing
@testable import IngestCore

/// S3 keys that would land somewhere else than written (`..` segments that libcurl resolves), that
/// hide their real text (bidi and invisible characters), or that Skylark reserves, are refused by one
/// pure validator; its message names a bad character as `U+XXXX`, never raw.
@Suite struct ObjectKeyRulesTests {
    struct Bad: Sendable, CustomTestStringConvertible {
        var key: String
        var rule: String
        /// A part the message must contain.
        var says: String
        var testDescription: String { says }
    }

    static let bad: [Bad] = [
        Bad(key: "", rule: DiagnosticRule.keyInvalid, says: "empty"),
        Bad(key: String(repeating: "é", count: 513), rule: DiagnosticRule.keyInvalid, says: "1026 bytes"),
        Bad(key: "/abs.mp4", rule: DiagnosticRule.keyInvalid, says: "starts with `/`"),
        Bad(key: "..", rule: DiagnosticRule.keyInvalid, says: "`..` segment"),
        Bad(key: "../other-bucket/x.mp4", rule: DiagnosticRule.keyInvalid, says: "`..` segment"),
        Bad(key: "bucket/a/../b.mp4", rule: DiagnosticRule.keyInvalid, says: "`..` segment"),
        Bad(key: "a/..", rule: DiagnosticRule.keyInvalid, says: "`..` segment"),
        Bad(key: "./a.mp4", rule: DiagnosticRule.keyInvalid, says: "`.` segment"),
        Bad(key: "a/./b.mp4", rule: DiagnosticRule.keyInvalid, says: "`.` segment"),
        Bad(key: "a/.", rule: DiagnosticRule.keyInvalid, says: "`.` segment"),
        Bad(key: "ep\u{0}1.mp4", rule: DiagnosticRule.keyInvalid, says: "U+0000"),
        Bad(key: "ep\t1.mp4", rule: DiagnosticRule.keyInvalid, says: "U+0009"),
        Bad(key: "ep\u{1B}[31m.mp4", rule: DiagnosticRule.keyInvalid, says: "U+001B"),
        Bad(key: "ep\u{7F}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+007F"),
        Bad(key: "ep\u{85}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+0085"),
        Bad(key: "ep\u{9B}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+009B"),
        Bad(key: "ep\u{200E}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+200E"),
        Bad(key: "ep\u{200F}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+200F"),
        Bad(key: "ep\u{202A}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+202A"),
        Bad(key: "evil\u{202E}4pm.exe", rule: DiagnosticRule.keyInvalid, says: "U+202E"),
        Bad(key: "ep\u{2066}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+2066"),
        Bad(key: "ep\u{2069}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+2069"),
        Bad(key: "ep\u{061C}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+061C"),
        Bad(key: "\u{FEFF}ep.mp4", rule: DiagnosticRule.keyInvalid, says: "U+FEFF"),
        Bad(key: "ep\u{200B}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+200B"),
        Bad(key: "ep\u{2028}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+2028"),
        Bad(key: "ep\u{2029}.mp4", rule: DiagnosticRule.keyInvalid, says: "U+2029"),
        Bad(key: "processed/ep1.mp4", rule: DiagnosticRule.keyReserved, says: "`processed/`"),
        Bad(key: "failed/ep1.mp4", rule: DiagnosticRule.keyReserved, says: "`failed/`"),
    ]

    @Test(arguments: bad)
    func badKeyIsRefusedWithItsRuleAndANamedReason(_ item: Bad) throws {
        let problem = try #require(ObjectKeyRules.problem(item.key), "\(item.says) accepted")
        #expect(problem.rule == item.rule)
        #expect(problem.message.contains(item.says), "\(problem.message)")
        #expect(problem.hint?.isEmpty == false)
        // The message never carries the hostile character itself.
        #expect(!problem.message.unicodeScalars.contains { DiagnosticText.isUnsafe($0) }, "\(problem.message.debugDescription)")
    }

    @Test(arguments: ["ep1.mp4", "show/season 1/ep1.mp4", "a/.hidden.mp4", "a..b.mp4", "..a/b", "a/b..", "...",
                      "épisode-été.mp4", "日本語/ビデオ.mp4", "emoji-👨‍👩‍👧.mp4", "x/processed/y.mp4", "processedfoo.mp4",
                      String(repeating: "a", count: 1_024)])
    func ordinaryKeysPass(_ key: String) {
        #expect(ObjectKeyRules.problem(key) == nil)
    }

    @Test func aDotDotKeyInTheManifestIsRefusedAtTheKey() {
        let result = validateManifest("version: 1\nassets:\n  - {id: a, title: T, video: v.mp4, key: ../other-bucket/x.mp4}\n")
        #expect(result.diagnostics.positions == ["3:42 KEY_INVALID"])
        #expect(result.diagnostics.first?.itemID == "a")
        #expect(result.diagnostics.first?.field == "key")
    }

    @Test func aBidiCharacterInTheVideoNameRefusesTheDerivedKeyAtTheVideo() throws {
        let result = validateManifest("version: 1\nassets:\n  - {id: a, title: T, video: \"media/evil\\u202E4pm.mp4\"}\n")
        #expect(result.diagnostics.positions == ["3:30 KEY_INVALID"])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.field == "video")
        #expect(diagnostic.message.contains("U+202E"))
        #expect(!diagnostic.message.unicodeScalars.contains("\u{202E}"))
    }

    @Test func aC1CharacterInACSVKeyIsRefused() {
        let result = validateManifest("id,title,video,key\na,T,v.mp4,ep\u{9B}1.mp4\n", path: "/m/manifest.csv", format: .csv)
        #expect(result.diagnostics.positions == ["2:11 KEY_INVALID"])
        #expect(result.diagnostics.first?.message.contains("U+009B") == true)
    }

    @Test func theUploadCommandsUIDShapeIsTheManifestsUIDRule() throws {
        #expect(SkylarkUID.problem("asse_35bbd8a914c84cd3850158ec2783f42a") == nil)
        for bad in ["", "asse_35BBD8A914C84CD3850158EC2783F42A", "x\", \"evil\": \"1", "asse_35bbd8a914c84cd3850158ec2783f42a\u{202E}"] {
            let problem = try #require(SkylarkUID.problem(bad), "\(bad.debugDescription) accepted")
            #expect(problem.rule == DiagnosticRule.uidInvalid)
            #expect(!problem.message.unicodeScalars.contains { DiagnosticText.isUnsafe($0) })
        }
        let result = validateManifest("version: 1\nassets:\n  - {id: a, uid: asse_x, video: v.mp4}\n")
        #expect(result.diagnostics.rules == [DiagnosticRule.uidInvalid])
    }
}
