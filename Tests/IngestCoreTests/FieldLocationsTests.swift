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

    @Test func equalityAndHashDoNotDependOnTheKeyTable() {
        var shared = FieldLocations(keys: ["video", "title", "id"])
        shared["id"] = SourceLocation(file: "m.csv", line: 2, column: 1)
        shared["title"] = SourceLocation(file: "m.csv", line: 2, column: 8)
        var own = FieldLocations()
        own["id"] = SourceLocation(file: "m.csv", line: 2, column: 1)
        own["title"] = SourceLocation(file: "m.csv", line: 2, column: 8)
        #expect(shared == own)
        #expect(shared.hashValue == own.hashValue)
        #expect(shared.keys == ["id", "title"], "a key in the table but never set is not located")
        #expect(shared["video"] == nil)
        var other = FieldLocations(sharingKeysOf: shared)
        other["id"] = SourceLocation(file: "m.csv", line: 3, column: 1)
        other["key"] = SourceLocation(file: "m.csv", line: 3, column: 20)
        #expect(shared.keys == ["id", "title"], "a key another item adds stays out of this one")
        #expect(other.keys == ["id", "key"])
        #expect(other != shared)
    }

    @Test func shrinkingKeepsEveryLocationAndEquality() {
        var locations = FieldLocations()
        locations["id"] = SourceLocation(file: "m.csv", line: 2, column: 1)
        locations["subtitle.en-gb"] = SourceLocation(file: "m.csv", line: 2, column: 30)
        let unshrunk = locations
        locations.shrinkToFit()
        #expect(locations == unshrunk)
        #expect(locations.keys == ["id", "subtitle.en-gb"])
        #expect(locations["subtitle.en-gb"] == SourceLocation(file: "m.csv", line: 2, column: 30))
        locations["video"] = SourceLocation(file: "m.csv", line: 2, column: 14)
        #expect(locations.count == 3, "a shrunk list still takes new keys")
    }

    @Test func itemsSharingAKeyTableLocateTheirOwnValues() throws {
        // The items of a manifest share one table of key names (`fields.<name>`, `subtitles[<n>].…`):
        // each item must still list only its own keys, at its own positions.
        let text = """
        version: 1
        defaults:
          language: en-gb
        assets:
          - id: a1
            title: A
            video: a.mp4
            fields: {description_long: x}
            subtitles:
              - {file: a.srt, language: fr}
              - {file: a2.srt, title: Second}
          - id: a2
            title: B
            video: b.mp4
            fields: {description_long: y}
            subtitles:
              - {file: b.srt}
        """
        let assets = try #require(loadManifest(text).manifest?.assets)
        #expect(assets[0].fieldLocations.keys == ["id", "title", "video", "fields", "fields.description_long", "subtitles",
                                                  "subtitles[0].file", "subtitles[0].language", "subtitles[1].file",
                                                  "subtitles[1].title", "subtitles[1]"])
        #expect(assets[1].fieldLocations.keys == ["id", "title", "video", "fields", "fields.description_long", "subtitles",
                                                  "subtitles[0].file", "subtitles[0]"])
        #expect(assets[0].location(of: "fields.description_long").line == 8)
        #expect(assets[1].location(of: "fields.description_long").line == 15)
        #expect(assets[0].location(of: "subtitles[0].file") == SourceLocation(file: "/m/manifest.yaml", line: 10, column: 16))
        #expect(assets[1].location(of: "subtitles[0].file") == SourceLocation(file: "/m/manifest.yaml", line: 17, column: 16))
        #expect(assets[0].subtitles[1].location.line == 11)
    }
}
