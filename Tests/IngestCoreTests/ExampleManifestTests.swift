import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

@Suite(.offThePool) struct ExampleManifestTests {
    @Test(arguments: ["example.yaml", "example.csv"])
    func exampleManifestValidatesCleanly(_ name: String) throws {
        let path = repositoryRoot.appendingPathComponent("manifests/\(name)").path
        let result = ManifestValidator.validate(path: path)
        #expect(result.diagnostics.map(\.formatted) == [])
        let manifest = try #require(result.manifest)
        #expect(manifest.assets.count == 6)
        #expect(manifest.assets.filter { $0.mode == .advanced }.count == 4)
        for asset in manifest.assets where asset.mode == .advanced {
            #expect(Set(asset.subtitles.map(\.language)) == ["en-gb", "fr"])
            #expect(asset.assetType == "episode")
        }
    }

    @Test func yamlAndCSVExamplesDescribeTheSameItems() throws {
        let yaml = try #require(ManifestValidator.validate(path: repositoryRoot.appendingPathComponent("manifests/example.yaml").path).manifest)
        let csv = try #require(ManifestValidator.validate(path: repositoryRoot.appendingPathComponent("manifests/example.csv").path).manifest)
        #expect(yaml.assets.map(\.id) == csv.assets.map(\.id))
        #expect(yaml.assets.map(\.videoPath) == csv.assets.map(\.videoPath))
        #expect(yaml.assets.map(\.effectiveKey) == csv.assets.map(\.effectiveKey))
        #expect(yaml.assets.map(\.effectiveSlug) == csv.assets.map(\.effectiveSlug))
        #expect(yaml.assets.map { $0.subtitles.map(\.path).sorted() } == csv.assets.map { $0.subtitles.map(\.path).sorted() })
    }
}
