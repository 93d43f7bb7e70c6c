import Testing
@testable import IngestCore

@Suite struct UniquenessRulesTests {
    @Test func duplicateIDsAreReportedAtBothPositions() {
        let result = validateManifest("""
            version: 1
            assets:
              - {id: a, title: One, video: one.mp4}
              - {id: b, title: Two, video: two.mp4}
              - {id: a, title: Three, video: three.mp4}
            """)
        #expect(result.diagnostics.positions == ["3:10 ID_DUPLICATE", "5:10 ID_DUPLICATE"])
        #expect(result.diagnostics[0].message.contains("line 5"))
        #expect(result.diagnostics[1].message.contains("line 3"))
    }

    @Test func sameFileNameInDifferentFoldersCollidesOnTheDefaultKey() {
        let result = validateManifest("""
            version: 1
            assets:
              - {id: a, title: One, video: s1/intro.mp4}
              - {id: b, title: Two, video: s2/intro.mp4}
              - {id: c, title: Three, video: s3/intro.mp4, key: s3/intro.mp4}
            """)
        #expect(result.diagnostics.positions == ["3:32 KEY_DUPLICATE", "4:32 KEY_DUPLICATE"])
    }

    @Test func slugsDerivedFromEqualTitlesCollide() {
        let result = validateManifest("""
            version: 1
            assets:
              - {id: a, title: Pilot!, video: a.mp4}
              - {id: b, title: pilot, video: b.mp4}
              - {id: c, title: pilot, slug: pilot-2, video: c.mp4}
            """)
        #expect(result.diagnostics.rules == [DiagnosticRule.slugDuplicate, DiagnosticRule.slugDuplicate])
    }

    @Test func sameVideoTwiceIsAWarningBesideTheKeyCollision() {
        let result = validateManifest("""
            version: 1
            assets:
              - {id: a, title: One, video: v.mp4}
              - {id: b, title: Two, video: ./v.mp4, key: other.mp4}
            """)
        #expect(result.diagnostics.positions == ["3:32 VIDEO_REUSED", "4:32 VIDEO_REUSED"])
        #expect(result.diagnostics.allSatisfy { $0.severity == .warning })
        #expect(!result.hasErrors)
    }

    @Test func subtitleLanguagesMustDifferWithinAnAsset() {
        let result = validateManifest("""
            version: 1
            assets:
              - id: a
                title: T
                video: v.mp4
                subtitles:
                  - {file: a.srt, language: en-gb}
                  - {file: b.vtt, language: en-GB}
            """)
        #expect(result.diagnostics.positions == ["8:33 SUBTITLE_LANGUAGE_DUPLICATE"])
    }

    @Test func subtitleWithAnotherExtensionIsAFormatError() {
        let result = validateManifest("""
            version: 1
            assets:
              - id: a
                title: T
                video: v.mp4
                subtitles:
                  - {file: a.ttml, language: en}
            """)
        #expect(result.diagnostics.positions == ["7:16 SUBTITLE_FORMAT"])
    }

    @Test func diagnosticsAreSortedByPosition() {
        let result = validateManifest("""
            version: 1
            assets:
              - {id: a b, video: v.mp4}
              - {id: c, titel: T, video: w.mp4}
            """)
        let positions = result.diagnostics.map { $0.location.line * 1000 + $0.location.column }
        #expect(positions == positions.sorted())
        #expect(result.diagnostics.count == 4)
    }
}
