import IngestCore
import Testing

@Suite struct ItemMachineTests {
    let all: Set<Stage> = [.assets, .documents, .transfer]

    @Test func freshAdvancedItemRunsEveryRequestedStageInOrder() {
        var machine = ItemMachine(state: ItemState(id: "a"), mode: .advanced, requested: all, retryFailed: false)
        #expect(machine.start() == .perform(.assets, reconcile: false))
        #expect(machine.stageSucceeded() == .perform(.documents, reconcile: false))
        #expect(machine.stageSucceeded() == .perform(.transfer, reconcile: false))
        #expect(machine.stageSucceeded() == .finish(.succeeded, nil))
    }

    @Test func simpleItemSkipsAssetsAndDocuments() {
        var machine = ItemMachine(state: ItemState(id: "s"), mode: .simple, requested: all, retryFailed: false)
        #expect(machine.start() == .perform(.transfer, reconcile: false))
        #expect(machine.stageSucceeded() == .finish(.succeeded, nil))
    }

    @Test func doneStagesAreSkippedAndOpenIntentsReconciled() {
        var state = ItemState(id: "a")
        state.assets.status = .done
        state.documents.status = .inProgress
        state.documents.openIntents = ["document:en"]
        var machine = ItemMachine(state: state, mode: .advanced, requested: all, retryFailed: false)
        #expect(machine.start() == .perform(.documents, reconcile: true))
    }

    @Test func finishedItemDoesNothing() {
        var state = ItemState(id: "a")
        state.assets.status = .done
        state.documents.status = .done
        state.transfer.status = .done
        var machine = ItemMachine(state: state, mode: .advanced, requested: all, retryFailed: false)
        #expect(machine.start() == .finish(.succeeded, nil))
    }

    @Test func nonRetryableFailureWaitsForRetryFailed() {
        var state = ItemState(id: "a")
        state.assets.status = .failed
        state.assets.error = IngestError(code: .skylarkAssetNotFound, message: "m")
        var plain = ItemMachine(state: state, mode: .advanced, requested: all, retryFailed: false)
        #expect(plain.start() == .finish(.failed, state.assets.error))
        var retry = ItemMachine(state: state, mode: .advanced, requested: all, retryFailed: true)
        #expect(retry.start() == .perform(.assets, reconcile: true))
    }

    @Test func retryableFailureIsRetriedByAPlainRerun() {
        var state = ItemState(id: "a")
        state.assets.status = .failed
        state.assets.error = IngestError(code: .netTimeout, message: "m", retryable: true)
        var machine = ItemMachine(state: state, mode: .advanced, requested: all, retryFailed: false)
        #expect(machine.start() == .perform(.assets, reconcile: true))
    }

    @Test func laterStageAloneWaitsForItsInputs() {
        var machine = ItemMachine(state: ItemState(id: "a"), mode: .advanced, requested: [.transfer], retryFailed: false)
        #expect(machine.start() == .finish(.pending, nil))
        var state = ItemState(id: "a")
        state.assets.status = .done
        state.documents.status = .done
        var ready = ItemMachine(state: state, mode: .advanced, requested: [.transfer], retryFailed: false)
        #expect(ready.start() == .perform(.transfer, reconcile: false))
    }

    @Test func failureStopsTheItem() {
        var machine = ItemMachine(state: ItemState(id: "a"), mode: .advanced, requested: all, retryFailed: false)
        _ = machine.start()
        let error = IngestError(code: ErrorCode(rawValue: "X"), message: "m")
        #expect(machine.stageFailed(error) == .finish(.failed, error))
        #expect(machine.state.assets.status == .failed)
    }

    @Test func outcomeFromTheCheckpointAlone() {
        var state = ItemState(id: "a")
        #expect(ItemMachine.outcome(of: state, mode: .advanced, through: .transfer) == .pending)
        state.assets.status = .done
        state.documents.status = .done
        state.transfer.status = .done
        #expect(ItemMachine.outcome(of: state, mode: .advanced, through: .transfer) == .succeeded)
        #expect(ItemMachine.outcome(of: state, mode: .advanced, through: .confirm) == .pending)
        state.confirm.status = .failed
        #expect(ItemMachine.outcome(of: state, mode: .advanced, through: .confirm) == .failed)
    }
}

@Suite struct DriftTests {
    func asset(title: String = "T", subtitleLanguage: String = "en") -> ManifestAsset {
        let location = SourceLocation(file: "m.yaml", line: 1, column: 1)
        return ManifestAsset(id: "a", title: title, video: "v.mp4", videoPath: "/x/v.mp4",
                             subtitles: [ManifestSubtitle(file: "s.srt", path: "/x/s.srt", language: subtitleLanguage,
                                                          location: location)], location: location)
    }

    @Test func fingerprintsAreFNV1aOfTheCanonicalTextsAsJournalsRecordedThem() {
        // Published FNV-1a 32 vectors.
        #expect(Fingerprint.fnv1a32("") == 0x811c_9dc5 && Fingerprint.fnv1a32("a") == 0xe40c_292c
            && Fingerprint.fnv1a32("foobar") == 0xbf9c_f968)
        let location = SourceLocation(file: "m.yaml", line: 1, column: 1)
        var rich = asset()
        rich.uid = nil
        rich.slug = "own-slug"
        rich.assetType = "episode"
        rich.fields = ["synopsis": .string("é / \"q\""), "n": .number(3)]
        rich.key = "k/v.mp4"
        rich.subtitles.append(ManifestSubtitle(file: "b.vtt", path: "/x/b.vtt", language: "fr", title: "Français",
                                               location: location))
        for item in [asset(), rich, asset(title: "")] {
            // The texts the fingerprint was defined on, built whole and hashed (the journal format).
            func text(_ value: String?) -> String { value ?? "\u{0}" }
            var subtitles = ""
            for sub in item.subtitles { subtitles += sub.file + "\u{1}" + sub.language + "\u{1}" + text(sub.title) + "\u{2}" }
            let rendered = [item.mode.rawValue, text(item.uid), text(item.title), text(item.effectiveSlug), text(item.assetType),
                            item.fields.isEmpty ? "{}" : JSONValue.object(item.fields).canonicalJSON,
                            item.video, item.effectiveKey, subtitles]
            #expect(ItemDefinition(item).hashes == rendered.map(Fingerprint.fnv1a32))
        }
    }

    @Test func definitionIgnoresLocations() {
        var moved = asset()
        moved.location = SourceLocation(file: "m.yaml", line: 99, column: 3)
        #expect(ItemDefinition(moved) == ItemDefinition(asset()))
    }

    @Test func unseenItemIsNew() {
        #expect(DriftCheck.decide(ItemDefinition(asset()), state: ItemState(id: "a")) == .new)
    }

    @Test func changeBeforeAnyEffectIsReplanned() {
        var state = ItemState(id: "a")
        let old = ItemDefinition(asset())
        state.definition = old.fingerprint
        state.definitionFields = old.encodedFields
        #expect(DriftCheck.decide(ItemDefinition(asset(title: "New")), state: state) == .replan(changed: ["title", "slug"]))
    }

    @Test func changeAfterEffectsIsRefusedNamingTheFields() {
        var state = ItemState(id: "a")
        let old = ItemDefinition(asset())
        state.definition = old.fingerprint
        state.definitionFields = old.encodedFields
        state.assets.status = .done
        guard case .refuse(let error) = DriftCheck.decide(ItemDefinition(asset(subtitleLanguage: "fr")), state: state) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.code == .manifestDrift)
        #expect(error.message.contains("subtitles"))
        #expect(error.message.contains("(subtitles)"))
    }

    @Test func unchangedIsUnchanged() {
        var state = ItemState(id: "a")
        state.definition = ItemDefinition(asset()).fingerprint
        state.assets.status = .done
        #expect(DriftCheck.decide(ItemDefinition(asset()), state: state) == .unchanged)
    }
}
