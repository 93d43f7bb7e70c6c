import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

@Suite struct RunnerTests {
    @Test func fullRunCreatesEverythingExactlyOnce() async throws {
        let fixture = try Fixture(advanced: 6, simple: 2)
        defer { fixture.directory.remove() }
        let (result, state) = try await fixture.run()
        #expect(result.count(.succeeded) == 8)
        #expect(!result.interrupted)
        await fixture.expectExactEndState()
        for asset in fixture.assets where asset.mode == .advanced {
            let item = state.item(asset.id)
            #expect(item.assetUID != nil)
            #expect(item.tracks.count == 2 && item.tracks.allSatisfy { $0.uploaded && $0.documentUID != nil })
            #expect(item.etag != nil && item.bucket == "watchfolder")
        }
    }

    @Test func secondRunSendsNoWrite() async throws {
        let fixture = try Fixture(advanced: 5, simple: 2)
        defer { fixture.directory.remove() }
        _ = try await fixture.run()
        let skylarkWrites = await fixture.skylark.writeCount
        let storeWrites = await fixture.store.writeCount
        let (again, _) = try await fixture.run()
        #expect(again.count(.succeeded) == 7)
        #expect(await fixture.skylark.writeCount == skylarkWrites)
        #expect(await fixture.store.writeCount == storeWrites)
    }

    @Test func commitThenFailFaultsMakeNoDuplicates() async throws {
        let fixture = try Fixture(advanced: 20, simple: 3)
        defer { fixture.directory.remove() }
        await fixture.skylark.configure(faults: FaultPlan(random: .pipeline(seed: 7), failRate: 0.05, commitThenFailRate: 0.10))
        await fixture.store.configure(faults: FaultPlan(random: .pipeline(seed: 8), failRate: 0.05, commitThenFailRate: 0.10))
        var runs = 0
        var succeeded = 0
        while runs < 5 && succeeded < fixture.assets.count {
            runs += 1
            succeeded = try await fixture.run().0.count(.succeeded)
        }
        #expect(succeeded == fixture.assets.count)
        await fixture.expectExactEndState()
        // The faults really happened: more create calls than assets.
        #expect(await fixture.skylark.createAssetCalls > 20)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func crashesAtRandomPointsThenResumeReachTheSameEndState(seed: UInt64) async throws {
        let fixture = try Fixture(advanced: 16, simple: 2)
        defer { fixture.directory.remove() }
        var random = SplitMix64.pipeline(seed: seed)
        var crashes = 0
        var done = false
        for _ in 0..<80 where !done {
            // The first 20 "processes" crash after a random number of writes (to either server);
            // then runs go undisturbed until everything is done.
            let crashing = crashes < 20
            let skylarkPoint = 1 + random.below(4)
            let storePoint = 1 + random.below(2)
            let holder = Locked<JournalFile?>(nil)
            let crash: @Sendable () -> Void = { holder.withLock { $0?.abandon() } }
            let skylarkWrites = await fixture.skylark.writeCount
            let storeWrites = await fixture.store.writeCount
            await fixture.skylark.configure(crashAtWrite: crashing ? skylarkWrites + skylarkPoint : nil, onCrash: crash)
            await fixture.store.configure(crashAtWrite: crashing ? storeWrites + storePoint : nil, onCrash: crash)
            do {
                let (result, _) = try await fixture.run(beforeRun: { journal in holder.withLock { $0 = journal } })
                let skylarkDead = await fixture.skylark.dead
                let storeDead = await fixture.store.dead
                let crashed = skylarkDead || storeDead
                if crashed { crashes += 1 } else { done = result.count(.succeeded) == fixture.assets.count }
            } catch {
                crashes += 1
            }
        }
        #expect(done)
        #expect(crashes >= 20)
        await fixture.expectExactEndState()
    }

    @Test func stagesSplitAcrossRunsReachTheSameEndState() async throws {
        let fixture = try Fixture(advanced: 4, simple: 1)
        defer { fixture.directory.remove() }
        let (first, _) = try await fixture.run(stages: [.validate, .assets, .documents])
        #expect(first.count(.succeeded) == 5)  // simple items have nothing to do before transfer
        #expect(await fixture.store.writeCount == 0)
        let (second, state) = try await fixture.run(stages: [.transfer])
        #expect(second.count(.succeeded) == 5)
        await fixture.expectExactEndState()
        #expect(state.item("item-0").transfer.status == .done)
    }

    @Test func transferAloneWaitsForAssetsInsteadOfFailing() async throws {
        let fixture = try Fixture(advanced: 2)
        defer { fixture.directory.remove() }
        let (result, _) = try await fixture.run(stages: [.transfer])
        #expect(result.count(.pending) == 2)
        #expect(await fixture.store.writeCount == 0)
    }

    @Test func unknownUIDFailsAloneAndRetryFailedRetriesIt() async throws {
        var fixture = try Fixture(advanced: 3)
        defer { fixture.directory.remove() }
        fixture.assets[1].uid = "asse_" + String(repeating: "f", count: 32)
        let (result, state) = try await fixture.run()
        #expect(result.outcomes["item-1"] == .failed)
        #expect(result.errors["item-1"]?.code == .skylarkAssetNotFound)
        #expect(result.count(.succeeded) == 2)
        #expect(state.item("item-1").assets.status == .failed)
        // A plain re-run leaves the non-retryable failure alone…
        let (again, _) = try await fixture.run()
        #expect(again.outcomes["item-1"] == .failed)
        // …--retry-failed tries it again (and it still fails with its code).
        let (retried, _) = try await fixture.run(retryFailed: true)
        #expect(retried.errors["item-1"]?.code == .skylarkAssetNotFound)
        #expect(retried.count(.succeeded) == 2)
    }

    @Test func anotherUploadUnderTheKeyIsAConflictAndAnOldProcessedOneIsReplaced() async throws {
        let fixture = try Fixture(advanced: 2)
        defer { fixture.directory.remove() }
        let size = { (path: String) in Int64((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) }
        let other = ["asset": "{\"uid\": \"asse_\(String(repeating: "e", count: 32))\"}"]
        // item-0: a foreign upload of the same size waits in the watchfolder under its key.
        await fixture.store.place("item-0.mp4", size: size(fixture.assets[0].videoPath), metadata: other)
        // item-1: an earlier batch's object of the same size was processed under the same key.
        await fixture.store.place("processed/item-1.mp4", size: size(fixture.assets[1].videoPath), metadata: other)
        let (result, _) = try await fixture.run()
        #expect(result.errors["item-0"]?.code == .s3KeyConflict)
        #expect(await fixture.store.uploads["item-0.mp4"] == nil, "the foreign object must not be overwritten")
        #expect(result.outcomes["item-1"] == .succeeded)
        #expect(await fixture.store.uploads["item-1.mp4"] == 1, "an old processed object is not this item's upload")
    }

    @Test func confirmWaitsForProcessingAndFindsSimpleAssets() async throws {
        let fixture = try Fixture(advanced: 2, simple: 2)
        defer { fixture.directory.remove() }
        await fixture.processUploads()
        let (result, state) = try await fixture.run(stages: Set(Stage.allCases))
        #expect(result.count(.succeeded) == 4)
        #expect(state.item("simple-0").assetUID != nil)
        #expect(state.item("item-0").confirm.status == .done)
        #expect(state.item("item-0").ovpCount == 1)
        // Second run: transfer sees processed/<key> and does not upload again.
        let writes = await fixture.store.writeCount
        _ = try await fixture.run(stages: Set(Stage.allCases))
        #expect(await fixture.store.writeCount == writes)
    }

    @Test func confirmTimesOutWithARetryableCode() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        let (result, _) = try await fixture.run(stages: Set(Stage.allCases))
        #expect(result.errors["item-0"]?.code == .confirmTimeout)
        #expect(result.errors["item-0"]?.retryable == true)
    }

    @Test func driftAfterEffectsIsRefusedAndBeforeEffectsReplanned() async throws {
        var fixture = try Fixture(advanced: 2)
        defer { fixture.directory.remove() }
        _ = try await fixture.run(stages: [.assets])
        fixture.assets[0].title = "Changed"
        let (result, _) = try await fixture.run()
        #expect(result.errors["item-0"]?.code == .manifestDrift)
        #expect(result.outcomes["item-1"] == .succeeded)
        #expect(await fixture.skylark.assets.count == 2)
    }

    @Test func gracefulStopLeavesPendingItemsThatResume() async throws {
        let fixture = try Fixture(advanced: 12)
        defer { fixture.directory.remove() }
        let opened = try JournalFile.open(path: fixture.journalPath, header: Fixture.header)
        let checkpoint = Checkpoint(journal: opened.journal, state: opened.state)
        let stop = StopSignal()
        let context = StageContext(checkpoint: checkpoint, skylark: fixture.skylark, store: fixture.store,
                                   events: { event in if event.kind == .itemFinished { stop.request() } })
        let runner = Runner(items: fixture.assets, context: context,
                            options: RunOptions(concurrency: 1, transferSlots: 1), stop: stop)
        let result = try await runner.run()
        try await opened.journal.close()
        #expect(result.interrupted)
        #expect(result.count(.pending) > 0)
        #expect(result.count(.failed) == 0)
        let (resumed, _) = try await fixture.run()
        #expect(resumed.count(.succeeded) == 12)
        await fixture.expectExactEndState()
    }

    @Test func dryRunSendsNoWriteAndListsThePlan() async throws {
        let fixture = try Fixture(advanced: 2, simple: 1)
        defer { fixture.directory.remove() }
        let log = PlanLog()
        let context = StageContext(checkpoint: .inMemory(), skylark: DryRunSkylark(base: fixture.skylark, log: log),
                                   store: DryRunObjectStore(base: fixture.store, log: log))
        let result = try await Runner(items: fixture.assets, context: context, options: RunOptions()).run()
        #expect(result.count(.succeeded) == 3)
        #expect(await fixture.skylark.writeCount == 0)
        #expect(await fixture.store.writeCount == 0)
        #expect(!FileManager.default.fileExists(atPath: fixture.journalPath))
        let lines = log.all
        #expect(lines.filter { $0.hasPrefix("create asset") }.count == 2)
        #expect(lines.filter { $0.hasPrefix("create text track") }.count == 4)
        #expect(lines.filter { $0.hasPrefix("upload ") && $0.contains("s3://watchfolder/") }.count == 3)
    }
}
