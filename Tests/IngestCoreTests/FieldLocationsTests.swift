import Foundation
import Testing
@testable import IngestCore

@Suite struct FieldLocationsTests {
    @Test func aRunDropsTheLocationsAndKeepsEverythingElse() throws {
        let text = """
        version: 1
        assets:
          - id: a1
            title: "A title"
            video: media/a.mp4
            fields:
              synopsis: S
            subtitles:
              - file: subs/a.en.srt
                language: en-gb
        """
        let validated = try #require(validateManifest(text).manifest)
        #expect(validated.assets[0].fieldLocations.count > 3)
        var kept = validated
        kept.dropFieldLocations()
        #expect(kept.assets[0].fieldLocations.isEmpty)
        var restored = kept
        restored.assets[0].fieldLocations = validated.assets[0].fieldLocations
        #expect(restored == validated, "only the locations differ")
        #expect(ItemDefinition(kept.assets[0]) == ItemDefinition(validated.assets[0]), "the drift fingerprint is unchanged")
    }

    @Test func setGetReplaceAndRemoveByKey() {
        var locations = FieldLocations()
        locations["id"] = SourceLocation(file: "m.yaml", line: 3, column: 9)
        locations["video"] = SourceLocation(file: "m.yaml", line: 5, column: 12)
        locations["id"] = SourceLocation(file: "m.yaml", line: 4, column: 9)
        #expect(locations["id"] == SourceLocation(file: "m.yaml", line: 4, column: 9))
        #expect(locations.keys == ["id", "video"])
        locations["video"] = nil
        #expect(locations["video"] == nil)
        #expect(locations.count == 1)
    }

    @Test func codableRoundTripKeepsEveryLocation() throws {
        let locations: FieldLocations = ["id": SourceLocation(file: "m.csv", line: 2, column: 1),
                                         "subtitle.fr": SourceLocation(file: "m.csv", line: 2, column: 40)]
        let data = try JSONEncoder().encode(locations)
        let decoded = try JSONDecoder().decode(FieldLocations.self, from: data)
        #expect(decoded.dictionary == locations.dictionary)
    }
}
