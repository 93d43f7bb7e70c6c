import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// `run --on-existing adopt|fail`: an asset that already holds an item's slug (made by someone else) is
/// adopted only when it is the asset the item describes, recorded as adopted, and never asked about again.
@Suite struct OnExistingAdoptTests {
    @Test func adoptTakesTheAssetWithTheItemsTitleAndTypeAndRecordsItAsAdopted() async throws {
        let fixture = try Fixture(advanced: 2)
        defer { fixture.directory.remove() }
        let existing = await fixture.skylark.seedAsset(title: "Title 0", slug: "title-0",
                                                       assetTypeURL: await fixture.assetTypeURL("episode"))
        let (result, state) = try await fixture.run(onExisting: .adopt)
        #expect(result.outcomes["item-0"] == .succeeded, "\(String(describing: result.errors["item-0"]))")
        #expect(result.outcomes["item-1"] == .succeeded)
        #expect(state.item("item-0").assetUID == existing.uid)
        #expect(state.item("item-0").assetAdopted)
        #expect(!state.item("item-1").assetAdopted, "an asset the run created is not adopted")
        // No second asset: the item's text tracks went onto the adopted one.
        #expect(await fixture.skylark.assets.count == 2)
        #expect(await fixture.skylark.assets[existing.uid]?.remote.textTrackURLs.count == 2)

        let report = ReportBuilder.build(assets: fixture.assets, state: state, context: .init(
            tool: "test", manifestPath: "m.yaml", checkpointPath: "c", generatedAt: "", stages: Stage.defaultRun))
        #expect(report.items[0].assetAdopted && !report.items[1].assetAdopted)
        #expect(MarkdownSummary.render(report).contains("Adopted assets"))
    }

    @Test func adoptionIsKeptByCompactionAndAResumeAsksNothingAgain() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        await fixture.skylark.seedAsset(title: "Title 0", slug: "title-0", assetTypeURL: await fixture.assetTypeURL("episode"))
        let (_, state) = try await fixture.run(onExisting: .adopt)
        let compacted = state.item("item-0").summaryEntry()
        #expect(compacted.data["adopted"] == .bool(true))
        var replayed = ItemState(id: "item-0")
        replayed.apply(compacted)
        #expect(replayed.assetAdopted && replayed.assetUID == state.item("item-0").assetUID)

        let calls = await fixture.skylark.calls
        let (again, resumed) = try await fixture.run(onExisting: .fail)
        #expect(again.outcomes["item-0"] == .succeeded, "a resume without --on-existing keeps the adopted asset")
        #expect(resumed.item("item-0").assetAdopted)
        #expect(await fixture.skylark.calls == calls, "the resume sent no write")
    }

    @Test func adoptRefusesAnAssetWithAnotherTitleAndNamesTheDifference() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        let foreign = await fixture.skylark.seedAsset(title: "Another catalogue's title", slug: "title-0",
                                                      assetTypeURL: await fixture.assetTypeURL("episode"))
        let (result, state) = try await fixture.run(onExisting: .adopt)
        let error = try #require(result.errors["item-0"])
        #expect(error.code == .skylarkSlugTaken)
        #expect(error.message.contains("its title is 'Another catalogue's title', the item's is 'Title 0'"), "\(error.message)")
        #expect(error.hint?.contains("uid: \(foreign.uid)") == true)
        #expect(state.item("item-0").assetUID == nil && !state.item("item-0").assetAdopted)
    }

    @Test func adoptRefusesAnAssetOfAnotherTypeAndNamesTheDifference() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        let movie = await fixture.assetTypeURL("movie")
        await fixture.skylark.seedAsset(title: "Title 0", slug: "title-0", assetTypeURL: movie)
        let (result, state) = try await fixture.run(onExisting: .adopt)
        let error = try #require(result.errors["item-0"])
        #expect(error.code == .skylarkSlugTaken)
        #expect(error.message.contains("its asset type is \(movie ?? "?")"), "\(error.message)")
        #expect(state.item("item-0").assetUID == nil)
    }

    @Test func failIsTheDefaultAndItsHintOffersAdopt() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        await fixture.skylark.seedAsset(title: "Title 0", slug: "title-0", assetTypeURL: await fixture.assetTypeURL("episode"))
        let (result, state) = try await fixture.run()
        let error = try #require(result.errors["item-0"])
        #expect(error.code == .skylarkSlugTaken)
        #expect(error.hint?.contains("--on-existing adopt") == true, "\(error.hint ?? "")")
        #expect(state.item("item-0").assetUID == nil)
    }
}

/// A slug found taken by an asset no write of ours made closes the create intent: a later run neither takes
/// that asset for its own POST's result nor loses the chance to adopt it.
@Suite struct SlugTakenRetryTests {
    @Test func retryFailedAfterSlugTakenDoesNotTakeTheHolderAsOurs() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        await fixture.skylark.seedAsset(title: "Title 0", slug: "title-0", assetTypeURL: await fixture.assetTypeURL("episode"))
        let (first, state) = try await fixture.run()
        #expect(first.errors["item-0"]?.code == .skylarkSlugTaken)
        #expect(state.item("item-0").assets.openIntents.isEmpty, "the refused POST's intent is closed")
        let (again, after) = try await fixture.run(retryFailed: true)
        #expect(again.errors["item-0"]?.code == .skylarkSlugTaken)
        #expect(after.item("item-0").assetUID == nil)
    }

    @Test func retryFailedWithAdoptAfterSlugTakenRecordsTheAssetAsAdopted() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        let existing = await fixture.skylark.seedAsset(title: "Title 0", slug: "title-0",
                                                       assetTypeURL: await fixture.assetTypeURL("episode"))
        _ = try await fixture.run()
        let (again, state) = try await fixture.run(retryFailed: true, onExisting: .adopt)
        #expect(again.outcomes["item-0"] == .succeeded)
        #expect(state.item("item-0").assetUID == existing.uid && state.item("item-0").assetAdopted)
    }
}
