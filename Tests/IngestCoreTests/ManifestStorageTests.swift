import Foundation
import Testing
@testable import IngestCore

/// How a loaded manifest keeps its items small (paths resolved on use, flat fields) without changing
/// what the public properties mean.
@Suite struct ManifestStorageTests {
    @Test func loadedItemsResolveTheirPathsAgainstTheManifestFolderOnUse() throws {
        let yaml = """
            version: 1
            assets:
              - {id: a, title: A, video: media/a.mp4, subtitles: [{file: ../subs/a.srt, language: en}]}
              - {id: b, title: B, video: /abs/./b.mp4, subtitles: [{file: ./s//b.vtt, language: en}]}
            """
        let manifest = try #require(loadManifest(yaml, path: "/data/batch/m.yaml").manifest)
        #expect(manifest.assets.map(\.videoPath) == ["/data/batch/media/a.mp4", "/abs/b.mp4"])
        #expect(manifest.assets.map { $0.subtitles[0].path } == ["/data/subs/a.srt", "/data/batch/s/b.vtt"])
        let csv = try #require(loadManifest("id,title,video,subtitle.en\nc,C,v/c.mp4,s/c.srt\n",
                                            path: "/data/batch/m.csv", format: .csv).manifest)
        #expect(csv.assets[0].videoPath == "/data/batch/v/c.mp4")
        #expect(csv.assets[0].subtitles[0].path == "/data/batch/s/c.srt")
    }

    @Test func aPathSetOnTheItemIsKeptAsGiven() throws {
        var asset = try #require(loadManifest("version: 1\nassets:\n  - {id: a, title: A, video: a.mp4}\n").manifest?.assets[0])
        #expect(asset.videoPath == "/m/a.mp4")
        asset.videoPath = "/elsewhere/video.bin"
        #expect(asset.videoPath == "/elsewhere/video.bin")
        #expect(asset.video == "a.mp4")
        var subtitle = ManifestSubtitle(file: "s.srt", path: "/x/y.srt", language: "en",
                                        location: SourceLocation(file: "m", line: 1, column: 1))
        #expect(subtitle.path == "/x/y.srt")
        subtitle.path = "/z.srt"
        #expect(subtitle.path == "/z.srt")
    }

    @Test func itemsAreEqualByWhatTheyMeanNotByHowPathsAreKept() throws {
        let loaded = try #require(loadManifest("version: 1\nassets:\n  - {id: a, title: A, video: a.mp4}\n").manifest?.assets[0])
        let built = ManifestAsset(id: "a", title: "A", video: "a.mp4", videoPath: "/m/a.mp4", location: loaded.location,
                                  fieldLocations: loaded.fieldLocations)
        #expect(loaded == built)
        #expect(loaded.hashValue == built.hashValue)
        var moved = built
        moved.videoPath = "/other/a.mp4"
        #expect(moved != loaded)
    }

    @Test func fieldsKeepTheirValuesWhateverTheOrderTheyWereSetIn() {
        let location = SourceLocation(file: "m", line: 1, column: 1)
        var a = ManifestAsset(id: "a", fields: ["b": .number(2), "a": .string("x")], video: "v", videoPath: "/v", location: location)
        var b = ManifestAsset(id: "a", video: "v", videoPath: "/v", location: location)
        b.fields = ["a": .string("x")]
        b.fields["b"] = .number(2)
        #expect(a == b)
        #expect(a.fields == ["a": .string("x"), "b": .number(2)])
        a.fields["a"] = nil
        #expect(a.fields == ["b": .number(2)])
        var flat = ManifestFields()
        flat["z"] = .bool(true)
        flat["m"] = .null
        flat["z"] = .bool(false)
        #expect(flat.dictionary == ["m": .null, "z": .bool(false)])
    }

    @Test func theItemsRoundTripThroughCodableWithTheirPublicKeys() throws {
        let manifest = try #require(loadManifest("""
            version: 1
            assets:
              - {id: a, title: A, video: a.mp4, fields: {n: x}, subtitles: [{file: s.srt, language: en}]}
            """).manifest)
        let data = try JSONEncoder().encode(manifest)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let asset = try #require((object["assets"] as? [[String: Any]])?.first)
        #expect(asset["videoPath"] as? String == "/m/a.mp4")
        #expect((asset["subtitles"] as? [[String: Any]])?.first?["path"] as? String == "/m/s.srt")
        // Field locations decode in key order (FieldLocations' own coding): compared without them.
        var decoded = try JSONDecoder().decode(Manifest.self, from: data)
        var expected = manifest
        decoded.dropFieldLocations()
        expected.dropFieldLocations()
        #expect(decoded == expected)
        #expect(decoded.assets[0].videoPath == "/m/a.mp4" && decoded.assets[0].fields == ["n": .string("x")])
    }

    @Test func identityIsEqualExactlyWhenTheAbsolutePathsAre() {
        let folder = "/m"
        let same = ["a/b.mp4", "./a/b.mp4", "a//b.mp4", "x/../a/b.mp4", "/m/a/b.mp4", "/m/./a/b.mp4"]
        #expect(Set(same.map { ManifestPaths.identity($0, folder: folder) }) == ["a/b.mp4"])
        // A clean relative path is its own key.
        #expect(ManifestPaths.identity("a/b.mp4", folder: folder) == "a/b.mp4")
        #expect(ManifestPaths.identity("../o/b.mp4", folder: folder) == "/o/b.mp4")
        #expect(ManifestPaths.identity("/o/b.mp4", folder: folder) == "/o/b.mp4")
        #expect(ManifestPaths.identity(".hidden.mp4", folder: folder) == "/m/.hidden.mp4")
        #expect(ManifestPaths.identity("/m/.hidden.mp4", folder: folder) == "/m/.hidden.mp4")
        for written in same + ["../o/b.mp4", ".hidden.mp4", "/o/b.mp4"] {
            let key = ManifestPaths.identity(written, folder: folder)
            #expect(ManifestPaths.path(ofIdentity: key, folder: folder) == ManifestPaths.absolute(written, folder: folder))
        }
        #expect(ManifestPaths.identity("x.mp4", folder: "/") == "x.mp4")
        #expect(ManifestPaths.path(ofIdentity: "x.mp4", folder: "/") == "/x.mp4")
    }

    @Test func aVideoWrittenTwoWaysIsStillReportedAsReused() {
        let result = validateManifest("""
            version: 1
            assets:
              - {id: a, title: A, video: media/v.mp4, key: a.mp4}
              - {id: b, title: B, video: ./media/../media/v.mp4, key: b.mp4}
              - {id: c, title: C, video: /m/media/v.mp4, key: c.mp4}
              - {id: d, title: D, video: media/other.mp4}
            """)
        #expect(result.diagnostics.positions == ["3:30 VIDEO_REUSED", "4:30 VIDEO_REUSED", "5:30 VIDEO_REUSED"])
    }

    @Test func anEmptyYAMLManifestIsReportedAsEmpty() {
        #expect(validateManifest("").diagnostics.rules == [DiagnosticRule.empty])
    }
}
