import Foundation
import Testing
@testable import IngestCore

/// How an item keeps its subtitles and locations compact (one subtitle inline, 32-bit lines and
/// columns) while the public properties keep their meaning.
@Suite struct CompactItemTests {
    private func subtitle(_ file: String, _ language: String, line: Int) -> ManifestSubtitle {
        ManifestSubtitle(file: file, path: "/m/\(file)", language: language, location: SourceLocation(file: "m.yaml", line: line, column: 7))
    }

    @Test func aSubtitleAndAnItemLocationAreStoredIn32BitLinesAndColumns() {
        // file, path as written, language, title, location file, line and column (4 bytes each), path storage.
        #expect(MemoryLayout<ManifestSubtitle>.stride <= 96)
        #expect(MemoryLayout<CompactLocation>.size == 24)
        let location = SourceLocation(file: "m.csv", line: 123_456, column: 78)
        var asset = ManifestAsset(id: "a", video: "a.mp4", videoPath: "/m/a.mp4", location: location)
        #expect(asset.location == location)
        asset.location = SourceLocation(file: "other.csv", line: 2, column: 3)
        #expect(asset.location == SourceLocation(file: "other.csv", line: 2, column: 3))
    }

    @Test func anItemWithOneSubtitleHoldsItInlineAndGivesItBackUnchanged() {
        let one = subtitle("a.srt", "en", line: 3)
        let list = SubtitleList([one])
        // Inline: the list is no bigger than one subtitle and a tag, and holds no array.
        #expect(MemoryLayout<SubtitleList>.size <= MemoryLayout<ManifestSubtitle>.size + 1)
        let storage = Mirror(reflecting: list).children.first?.value
        #expect(storage.flatMap { Mirror(reflecting: $0).children.first?.label } == "one")
        #expect(list.count == 1 && list[0] == one && list.array == [one])
        let asset = ManifestAsset(id: "a", video: "a.mp4", videoPath: "/m/a.mp4", subtitles: [one],
                                  location: SourceLocation(file: "m.yaml", line: 1, column: 1))
        #expect(asset.subtitles == [one])
        #expect(asset.subtitles[0].path == "/m/a.srt")
    }

    @Test func subtitlesAppendedAndSetOneByOneMatchTheArrayTheyWereBuiltFrom() {
        let subtitles = (0..<4).map { subtitle("s\($0).vtt", "l\($0)", line: $0 + 1) }
        for count in 0...subtitles.count {
            var appended = SubtitleList()
            for s in subtitles.prefix(count) { appended.append(s) }
            let built = SubtitleList(Array(subtitles.prefix(count)))
            #expect(appended == built)
            #expect(appended.array == Array(subtitles.prefix(count)))
            #expect(Array(appended) == Array(subtitles.prefix(count)))
        }
        var asset = ManifestAsset(id: "a", video: "a.mp4", videoPath: "/m/a.mp4", subtitles: Array(subtitles.prefix(1)),
                                  location: SourceLocation(file: "m.yaml", line: 1, column: 1))
        asset.subtitles[0].language = "fr"
        #expect(asset.subtitles.map(\.language) == ["fr"])
        asset.subtitles.append(subtitles[1])
        asset.subtitles[1].title = "Deux"
        #expect(asset.subtitles.map(\.language) == ["fr", "l1"])
        #expect(asset.subtitles[1].title == "Deux")
        asset.subtitles = []
        #expect(asset.subtitles.isEmpty)
    }

    @Test func loadedItemsKeepTheirSubtitlesWhateverHowMany() throws {
        let yaml = """
            version: 1
            defaults: {language: en}
            assets:
              - {id: a, title: A, video: a.mp4}
              - {id: b, title: B, video: b.mp4, subtitles: [{file: b.srt}]}
              - {id: c, title: C, video: c.mp4, subtitles: [{file: c.srt}, {file: c.fr.vtt, language: fr}, {file: c.de.srt, language: de}]}
            """
        let manifest = try #require(loadManifest(yaml, path: "/m/m.yaml").manifest)
        #expect(manifest.assets.map { $0.subtitles.map(\.file) } == [[], ["b.srt"], ["c.srt", "c.fr.vtt", "c.de.srt"]])
        #expect(manifest.assets.map { $0.subtitles.map(\.language) } == [[], ["en"], ["en", "fr", "de"]])
        #expect(manifest.assets[2].subtitles[1].location.line == 6)
        // Field locations decode in key order (FieldLocations' own coding): compared without them.
        var decoded = try JSONDecoder().decode(Manifest.self, from: try JSONEncoder().encode(manifest))
        var expected = manifest
        decoded.dropFieldLocations()
        expected.dropFieldLocations()
        #expect(decoded == expected)
    }
}

/// The index the uniqueness rules and the probe plan find first occurrences with.
@Suite struct HashIndexTests {
    @Test func findsTheFirstPositionOfEachValueEvenWhenAllHashesCollide() {
        let values = ["a", "b", "a", "c", "b", "a", "d"]
        for constantHash in [false, true] {
            var index = HashIndex(capacity: values.count)
            var firsts: [Int] = []
            for (position, value) in values.enumerated() {
                let hash = constantHash ? 42 : value.hashValue
                switch index.lookup(hash: hash, matches: { values[$0] == value }) {
                case .found(let first): firsts.append(first)
                case .free(let slot): index.insert(position, hash: hash, slot: slot); firsts.append(position)
                }
            }
            #expect(firsts == [0, 1, 0, 3, 1, 0, 6])
        }
    }
}

/// Slugs of ASCII titles are derived by bytes; the result is the one the general derivation gives.
@Suite struct SlugTests {
    /// The derivation for any title (lower case, runs of other characters collapsed to `-`), scalar by scalar.
    private func reference(_ title: String) -> String { Slug.deriveScalars(title) }

    @Test func asciiAndOtherTitlesGiveTheSameSlugAsTheGeneralDerivation() {
        let titles = ["", "A", "Benchmark title 0", "  Hello,  World!! ", "--x--", "ABC xyz 09 ~`{}[]",
                      "Ça va", "İstanbul", "Straße 5", "東京 Tokyo", "\u{7F}a\tb\nc", "Z@[`{"]
        for title in titles {
            #expect(Slug.derive(from: title) == reference(title), "\(title)")
        }
        // Every ASCII character on its own and between letters.
        for byte in UInt8(0)...UInt8(127) {
            let title = "a" + String(UnicodeScalar(byte)) + "B"
            #expect(Slug.derive(from: title) == reference(title), "\(byte)")
        }
    }
}

/// An item's extra fields: one kept inline, in a canonical form whatever the order of edits.
@Suite struct InlineFieldsTests {
    @Test func oneFieldIsHeldInlineAndEditsInAnyOrderGiveEqualLists() {
        // One field is the storage's `one` case (a name and a JSON value in the item), not an array.
        let storage = Mirror(reflecting: ManifestFields(["a": .string("x")])).children.first?.value
        #expect(storage.flatMap { Mirror(reflecting: $0).children.first?.label } == "one")
        #expect(MemoryLayout<ManifestFields>.size <= MemoryLayout<String>.size + MemoryLayout<JSONValue>.size + 1)
        var edited = ManifestFields()
        edited["b"] = .number(1)
        edited["a"] = .string("x")
        edited["c"] = .null
        edited["b"] = nil
        edited["c"] = nil
        let built = ManifestFields(["a": .string("x")])
        #expect(edited == built)
        #expect(edited.hashValue == built.hashValue)
        #expect(edited["a"] == .string("x") && edited["b"] == nil)
        edited["a"] = nil
        #expect(edited.isEmpty && edited == ManifestFields())
        var many = ManifestFields(["z": .bool(true), "m": .null, "a": .number(2)])
        #expect(many.dictionary == ["z": .bool(true), "m": .null, "a": .number(2)])
        many["m"] = .string("y")
        #expect(many["m"] == .string("y") && many["z"] == .bool(true) && many["a"] == .number(2))
    }
}
