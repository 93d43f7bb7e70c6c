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
        state.assets.error = IngestError(code: "SKYLARK_ASSET_NOT_FOUND", message: "m")
        var plain = ItemMachine(state: state, mode: .advanced, requested: all, retryFailed: false)
        #expect(plain.start() == .finish(.failed, state.assets.error))
        var retry = ItemMachine(state: state, mode: .advanced, requested: all, retryFailed: true)
        #expect(retry.start() == .perform(.assets, reconcile: true))
    }

    @Test func retryableFailureIsRetriedByAPlainRerun() {
        var state = ItemState(id: "a")
        state.assets.status = .failed
        state.assets.error = IngestError(code: "NET_TIMEOUT", message: "m", retryable: true)
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
        let error = IngestError(code: "X", message: "m")
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
