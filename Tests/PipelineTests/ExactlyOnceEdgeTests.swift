import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// Issue 10, the pipeline's half: our object is recognised by its bytes, simple-mode items confirm by the
/// S3 object's name, and a checkpoint that cannot be written stops the run.
@Suite struct ExactlyOnceEdgeTests {
    func size(_ asset: ManifestAsset) throws -> Int64 {
        Int64(try #require(try FileManager.default.attributesOfItem(atPath: asset.videoPath)[.size] as? Int))
    }

    @Test func aSameSizeOlderDeliveryUnderProcessedIsNotTakenForOursAndTheNewMasterIsSent() async throws {
        let fixture = try Fixture(advanced: 1, simple: 1)
        defer { fixture.directory.remove() }
        let (_, afterAssets) = try await fixture.run(stages: [.assets, .documents])
        let advanced = fixture.assets[0]
        let simple = fixture.assets[1]
        let uid = try #require(afterAssets.item(advanced.id).assetUID)
        // An earlier delivery of the same asset, re-encoded to exactly the same size, already processed.
        await fixture.store.place("processed/" + advanced.effectiveKey, size: try size(advanced),
                                  metadata: ["asset": AssetMetadata.value(uid: uid)])
        await fixture.store.place("processed/" + simple.effectiveKey, size: try size(simple), metadata: [:])
        let (result, state) = try await fixture.run(stages: [.transfer])
        #expect(result.count(.succeeded) == 2, "\(result.errors)")
        let uploads = await fixture.store.uploads
        for asset in [advanced, simple] {
            #expect(uploads[asset.effectiveKey] == 1, "\(asset.id): the new master was not sent")
            let local = FakeObjectStore.etag(of: try Data(contentsOf: URL(fileURLWithPath: asset.videoPath)))
            #expect(state.item(asset.id).etag == local, "\(asset.id): the journal records another object's ETag")
        }
    }

    @Test func anotherUploadWaitingUnderTheKeyIsAConflictEvenAtTheSameSizeAndMetadata() async throws {
        let fixture = try Fixture(advanced: 1)
        defer { fixture.directory.remove() }
        let (_, afterAssets) = try await fixture.run(stages: [.assets, .documents])
        let asset = fixture.assets[0]
        let uid = try #require(afterAssets.item(asset.id).assetUID)
        await fixture.store.place(asset.effectiveKey, size: try size(asset), metadata: ["asset": AssetMetadata.value(uid: uid)])
        let (result, _) = try await fixture.run(stages: [.transfer])
        #expect(result.errors[asset.id]?.code == .s3KeyConflict, "\(result.outcomes) \(result.errors)")
        #expect(await fixture.store.uploads[asset.effectiveKey] == nil)
    }

    @Test func ourObjectAlreadyMovedToProcessedIsRecognisedAndNotSentAgain() async throws {
        let fixture = try Fixture(advanced: 1, simple: 1)
        defer { fixture.directory.remove() }
        let (_, afterAssets) = try await fixture.run(stages: [.assets, .documents])
        // A process uploaded the videos and died before recording it; the watchfolder moved them.
        for asset in fixture.assets {
            let metadata = asset.mode == .advanced
                ? ["asset": AssetMetadata.value(uid: try #require(afterAssets.item(asset.id).assetUID))] : [:]
            _ = try await fixture.store.upload(path: asset.videoPath, key: asset.effectiveKey, metadata: metadata, resume: nil,
                                               onState: { _ in }, progress: { _ in })
            await fixture.store.moveToProcessed(asset.effectiveKey)
        }
        let writes = await fixture.store.writeCount
        let (result, state) = try await fixture.run(stages: [.transfer])
        #expect(result.count(.succeeded) == 2, "\(result.errors)")
        #expect(await fixture.store.writeCount == writes, "an object already processed was uploaded again")
        for asset in fixture.assets { #expect(state.item(asset.id).etag != nil) }
    }

    @Test func simpleModeWithAKeyUnlikeTheFileNameConfirmsThroughTheObjectsName() async throws {
        var fixture = try Fixture(advanced: 0, simple: 1)
        defer { fixture.directory.remove() }
        fixture.assets[0].key = "delivery-2026/Renamed Clip.mp4"
        await fixture.processUploads()
        let (result, state) = try await fixture.run(stages: Set(Stage.allCases))
        #expect(result.errors["simple-0"] == nil, "\(String(describing: result.errors["simple-0"]))")
        #expect(state.item("simple-0").confirm.status == .done)
        #expect(state.item("simple-0").assetUID != nil)
    }
}

/// Issue 10 point 11: a checkpoint that cannot be written (a full disk) stops new work at once.
@Suite(.serialized, .enabled("needs root to mount a small tmpfs") { await SmallDisk.canMount() })
struct JournalFailureTests {
    @Test func aFullDiskStopsTheRunAtTheFirstFailedJournalWriteInsteadOfFailingEveryItem() async throws {
        let disk = try await SmallDisk(kilobytes: 24)
        defer { disk.remove() }
        let fixture = try Fixture(advanced: 60)
        defer { fixture.directory.remove() }
        let opened = try JournalFile.open(path: disk.path + "/manifest.checkpoint", header: Fixture.header)
        let checkpoint = Checkpoint(journal: opened.journal, state: opened.state)
        let context = StageContext(checkpoint: checkpoint, skylark: fixture.skylark, store: fixture.store,
                                   retry: Retrier(attempts: 2, baseDelay: .milliseconds(1)))
        let runner = Runner(items: fixture.assets, context: context, options: RunOptions(concurrency: 2, transferSlots: 1))
        let result = try await runner.run()
        opened.journal.abandon()
        let failure = try #require(result.journalFailure, "the run went on without its journal")
        #expect(failure.code == .checkpointIO)
        #expect(failure.message.contains(disk.path), "the error names the checkpoint: \(failure.message)")
        #expect(result.count(.failed) == 0, "items were failed with CHECKPOINT_IO instead of left pending")
        #expect(result.count(.pending) > 30, "work went on after the journal failed: \(result.count(.pending)) pending")
    }
}
