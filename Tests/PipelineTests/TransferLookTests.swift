import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// The transfer stage's look for its object (a HEAD of the key and of `processed/<key>`) before the first
/// upload: skipped only for an asset this run created, whose uid no object can carry yet.
@Suite struct TransferLookTests {
    @Test func theFirstUploadOfAnAssetThisRunCreatedSendsNoHEAD() async throws {
        let fixture = try Fixture(advanced: 4)
        defer { fixture.directory.remove() }
        let (result, _) = try await fixture.run()
        #expect(result.count(.succeeded) == 4)
        #expect(await fixture.store.headCount == 0)
        #expect(await fixture.store.writeCount == 4)
        await fixture.expectExactEndState()
    }

    @Test func simpleItemsItemsWithAUIDAndAssetsOfAnEarlierRunStillLookFirst() async throws {
        var fixture = try Fixture(advanced: 2, simple: 2)
        defer { fixture.directory.remove() }
        // item-0 names an existing asset by uid: an earlier delivery may carry it.
        let existing = await fixture.skylark.seedAsset(title: "Title 0", slug: "title-0")
        fixture.assets[0].uid = existing.uid
        // item-1's asset is created by a run of the assets stage alone, before the run that uploads.
        _ = try await fixture.run(stages: [.assets], items: [fixture.assets[1]])
        #expect(await fixture.store.headCount == 0)
        let (result, _) = try await fixture.run()
        #expect(result.count(.succeeded) == 4)
        #expect(await fixture.store.headCount == 4 * 2, "the key and processed/<key>, for each of the four items")
        #expect(await fixture.store.writeCount == 4)
    }

    @Test func aForeignObjectUnderTheKeyOfANewAssetIsRefusedByIfNoneMatchThenFoundAsAConflict() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        await fixture.store.place("item-0.mp4", size: 3, metadata: ["asset": "{\"uid\": \"someone-else\"}"])
        let (result, _) = try await fixture.run()
        #expect(result.errors["item-0"]?.code == .s3KeyConflict)
        #expect(await fixture.store.refusedUploads == 1, "sent without a look first, refused by the store")
        #expect(await fixture.store.headCount == 1, "the look after the refusal found the other object under the key")
        #expect(await fixture.store.uploads["item-0.mp4"] == nil, "the foreign object must not be overwritten")
    }
}
