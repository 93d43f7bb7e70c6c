import Testing
@testable import IngestCore

@Suite struct ItemRulesTests {
    private func diagnostics(_ assetYAML: String, defaults: String = "") -> [Diagnostic] {
        validateManifest("version: 1\n\(defaults)assets:\n" + assetYAML).diagnostics
    }

    @Test func idWithSpacesIsInvalid() {
        #expect(diagnostics("  - {id: a b, title: T, video: v.mp4}\n").rules == [DiagnosticRule.idInvalid])
    }

    @Test func idLongerThan255IsInvalid() {
        let long = String(repeating: "a", count: 256)
        #expect(diagnostics("  - {id: \(long), title: T, video: v.mp4}\n").rules == [DiagnosticRule.idInvalid])
        #expect(diagnostics("  - {id: \(long.dropLast()), title: T, video: v.mp4}\n").isEmpty)
    }

    @Test func simpleModeWithAssetFieldsOrSubtitlesIsAnError() {
        let found = diagnostics("""
              - id: a
                mode: simple
                title: T
                fields: {x: 1}
                video: v.mp4
                subtitles:
                  - {file: s.srt, language: en}

            """)
        #expect(found.positions == ["5:12 SIMPLE_MODE_EXTRAS", "6:13 SIMPLE_MODE_EXTRAS", "9:7 SIMPLE_MODE_EXTRAS"])
    }

    @Test func simpleModeIsNotBlamedForDefaults() {
        #expect(diagnostics("  - {id: a, mode: simple, video: v.mp4}\n", defaults: "defaults: {asset_type: episode}\n").isEmpty)
    }

    @Test func newAdvancedAssetNeedsATitleButAnExistingOneDoesNot() {
        #expect(diagnostics("  - {id: a, video: v.mp4}\n").rules == [DiagnosticRule.titleRequired])
        #expect(diagnostics("  - {id: a, uid: asse_35bbd8a914c84cd3850158ec2783f42a, video: v.mp4}\n").isEmpty)
    }

    @Test(arguments: ["asse_35BBD8A914C84CD3850158EC2783F42A", "asse_35bbd8a914c84cd3850158ec2783f42", "ass_35bbd8a914c84cd3850158ec2783f42a1",
                      "asse-35bbd8a914c84cd3850158ec2783f42a", "asse_35bbd8a914c84cd3850158ec2783f42g"])
    func malformedUIDIsInvalid(_ uid: String) {
        #expect(diagnostics("  - {id: a, uid: \(uid), video: v.mp4}\n").rules == [DiagnosticRule.uidInvalid])
    }

    @Test func hugeUIDExceedsTheMetadataLimit() {
        let uid = String(repeating: "a", count: 2100)
        #expect(diagnostics("  - {id: a, uid: \(uid), video: v.mp4}\n").rules == [DiagnosticRule.metadataTooLarge, DiagnosticRule.uidInvalid])
    }

    @Test func slugWithSpacesIsInvalid() {
        #expect(diagnostics("  - {id: a, title: T, slug: my slug, video: v.mp4}\n").rules == [DiagnosticRule.slugInvalid])
    }

    @Test func titleWithoutASCIILettersNeedsAnExplicitSlug() {
        #expect(diagnostics("  - {id: a, title: 日本, video: v.mp4}\n").rules == [DiagnosticRule.slugInvalid])
        #expect(diagnostics("  - {id: a, title: 日本, slug: nihon, video: v.mp4}\n").isEmpty)
    }

    @Test func titleOver255CharactersIsTooLong() {
        let title = String(repeating: "x", count: 256)
        #expect(diagnostics("  - {id: a, title: \(title), video: v.mp4}\n").rules == [DiagnosticRule.fieldTooLong])
    }

    @Test func keyUnderProcessedOrFailedIsReserved() {
        #expect(diagnostics("  - {id: a, title: T, video: v.mp4, key: processed/v.mp4}\n").rules == [DiagnosticRule.keyReserved])
        #expect(diagnostics("  - {id: a, title: T, video: v.mp4, key: failed/v.mp4}\n").rules == [DiagnosticRule.keyReserved])
        #expect(diagnostics("  - {id: a, title: T, video: v.mp4, key: processed-not/v.mp4}\n").isEmpty)
    }

    @Test func keyWithLeadingSlashControlCharacterOrOver1024BytesIsInvalid() {
        #expect(diagnostics("  - {id: a, title: T, video: v.mp4, key: /v.mp4}\n").rules == [DiagnosticRule.keyInvalid])
        #expect(diagnostics("  - {id: a, title: T, video: v.mp4, key: \"v\\tx.mp4\"}\n").rules == [DiagnosticRule.keyInvalid])
        let key = String(repeating: "é", count: 513)   // 1026 bytes
        #expect(diagnostics("  - {id: a, title: T, video: v.mp4, key: \(key)}\n").rules == [DiagnosticRule.keyInvalid])
    }

    @Test func assetMetadataValueIsTheUIDObject() {
        #expect(ItemRules.assetMetadataValue(uid: "asse_1") == "{\"uid\": \"asse_1\"}")
    }
}

@Suite struct DiagnosticConversionTests {
    @Test func diagnosticBecomesAValidateStageIngestError() {
        let result = validateManifest("version: 1\nassets:\n  - {id: a b, title: T, video: v.mp4}\n")
        let error = result.diagnostics[0].ingestError
        #expect(error.code.rawValue == "ID_INVALID")
        #expect(error.stage == .validate)
        #expect(error.item == "a b")
        #expect(error.message.hasPrefix("/m/manifest.yaml:3:10: "))
        #expect(result.errorsByItem["a b"]?.count == 1)
    }
}
