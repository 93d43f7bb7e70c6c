import HTTPEngine
import IngestCore

/// Runs items through `assets → documents → transfer → confirm`.
///
/// Items pipeline through the stages concurrently: each stage has its own bound (`concurrency`
/// for the API stages, `transferSlots` for uploads), and a bounded number of items is in flight so
/// memory stays flat for any manifest size. One item's failure never stops the others. The item
/// state machine decides what runs; the runner carries it out and journals the result. An item's stages
/// run in order (its video only after its subtitles are attached); items overlap one another.
public struct Runner: Sendable {
    public let items: [ManifestAsset]
    public let context: StageContext
    public let options: RunOptions
    public let stop: StopSignal

    public init(items: [ManifestAsset], context: StageContext, options: RunOptions, stop: StopSignal = StopSignal()) {
        self.items = items
        self.context = context
        self.options = options
        self.stop = stop
    }

    /// Records new and re-planned item definitions; returns the refused (drifted) items' errors.
    public func prepare() async throws -> [String: IngestError] {
        var refused: [String: IngestError] = [:]
        context.checkpoint.reserveCapacity(items.count)
        for asset in items {
            let definition = ItemDefinition(asset)
            let state = context.checkpoint.item(asset.id)
            let decision = DriftCheck.decide(definition, state: state)
            switch decision {
            case .unchanged:
                continue
            case .new, .replan:
                if case .replan(let changed) = decision {
                    context.events(PipelineEvent(kind: .warning, item: asset.id, stage: .validate, message:
                        "changed since the last run (\(changed.joined(separator: ", "))); nothing was created yet, re-planned"))
                }
                try await context.checkpoint.record(
                    asset.id, .planned(definition: definition.fingerprint, fields: definition.encodedFields), durable: false)
            case .refuse(let error):
                refused[asset.id] = error
            }
        }
        try await context.checkpoint.sync()
        return refused
    }

    /// Runs every item (drift-refused ones fail without running) and returns what happened.
    public func run() async throws -> RunResult {
        let refused = try await prepare()
        let semaphores = StageSemaphores(options: options)
        let journalFailure = Locked<IngestError?>(nil)
        // An earlier run's writes may have been in flight when it died (it held the checkpoint until then, so
        // before now): they are read back no earlier than one settle from here.
        let earlierWritesSettled = ContinuousClock.now + context.retry.settle
        let maxInFlight = options.concurrency * 4 + options.transferSlots
        var outcomes = ItemOutcomes(items: items)
        var errors = refused
        for (id, error) in refused {
            outcomes[id] = .failed
            context.events(PipelineEvent(kind: .itemFinished, item: id, stage: .validate, outcome: .failed, error: error))
        }
        var interrupted = false
        await withTaskGroup(of: (String, ItemOutcome, IngestError?).self) { group in
            var inFlight = 0
            // Items that start by waiting for an earlier run's writes to settle: not counted in `inFlight`, so
            // that their wait does not hold back the others (at most the earlier run's items in flight).
            var settling: Set<String> = []
            var index = 0
            func collect(_ result: (String, ItemOutcome, IngestError?)) {
                outcomes[result.0] = result.1
                if let error = result.2 { errors[result.0] = error }
                if settling.remove(result.0) == nil { inFlight -= 1 }
            }
            while index < items.count {
                if stop.isRequested { interrupted = true; break }
                let asset = items[index]
                index += 1
                if refused[asset.id] != nil { continue }
                while inFlight >= maxInFlight, let result = await group.next() { collect(result) }
                if stop.isRequested { interrupted = true; index -= 1; break }
                // Fast path: an item with nothing to do this run finishes without a task.
                var probe = ItemMachine(state: context.checkpoint.item(asset.id), mode: asset.mode,
                                        requested: options.stages, retryFailed: options.retryFailed)
                let first = probe.start()
                if case .finish(let outcome, let error) = first {
                    context.events(PipelineEvent(kind: .itemFinished, item: asset.id, outcome: outcome, error: error))
                    outcomes[asset.id] = outcome
                    if outcome == .failed, let error { errors[asset.id] = error }
                    continue
                }
                let runItem = ItemRun(asset: asset, context: context, options: options, stop: stop,
                                      semaphores: semaphores, journalFailure: journalFailure,
                                      earlierWritesSettled: earlierWritesSettled)
                let settles = if case .perform(let stage, _) = first { runItem.awaitsEarlierWrites(stage) } else { false }
                group.addTask { await runItem.run() }
                if settles {
                    settling.insert(asset.id)
                } else {
                    inFlight += 1
                }
            }
            for await result in group { collect(result) }
            if stop.isRequested { interrupted = true }
            // Items never started stay pending.
            while index < items.count {
                let id = items[index].id
                if outcomes[id] == nil { outcomes[id] = .pending }
                index += 1
            }
        }
        // A checkpoint that cannot be written stops the run: no effect may happen that the journal cannot
        // record. The caller still writes the reports from the state in memory.
        if let failure = journalFailure.withLock({ $0 }) {
            return RunResult(outcomes: outcomes, errors: errors, interrupted: false, journalFailure: failure)
        }
        do {
            try await context.checkpoint.sync()
        } catch let failure as IngestError where [.checkpointIO, .checkpointClosed, .checkpointFenced].contains(failure.code) {
            return RunResult(outcomes: outcomes, errors: errors, interrupted: false, journalFailure: failure)
        }
        return RunResult(outcomes: outcomes, errors: errors, interrupted: interrupted)
    }
}

/// One bound per stage.
struct StageSemaphores: Sendable {
    let assets: AsyncSemaphore
    let documents: AsyncSemaphore
    let transfer: AsyncSemaphore
    let confirm: AsyncSemaphore

    init(options: RunOptions) {
        assets = AsyncSemaphore(permits: options.concurrency)
        documents = AsyncSemaphore(permits: options.concurrency)
        transfer = AsyncSemaphore(permits: options.transferSlots)
        confirm = AsyncSemaphore(permits: options.concurrency)
    }

    func semaphore(for stage: Stage) -> AsyncSemaphore {
        switch stage {
        case .validate, .assets: return assets
        case .documents: return documents
        case .transfer: return transfer
        case .confirm: return confirm
        }
    }
}

/// One item's trip through the stages.
struct ItemRun: Sendable {
    let asset: ManifestAsset
    let context: StageContext
    let options: RunOptions
    let stop: StopSignal
    let semaphores: StageSemaphores
    /// The first journal write that failed; set once, it stops the whole run.
    let journalFailure: Locked<IngestError?>
    /// When the writes of an earlier run (open intents in the journal) can no longer land.
    let earlierWritesSettled: ContinuousClock.Instant

    /// How one stage's attempt ended.
    enum StageResult: Sendable {
        case succeeded
        case failed(IngestError)
        /// A stop request (signal, or a checkpoint that cannot be written) came first.
        case stopped
    }

    func run() async -> (String, ItemOutcome, IngestError?) {
        let id = asset.id
        var machine = ItemMachine(state: context.checkpoint.item(id), mode: asset.mode, requested: options.stages,
                                  retryFailed: options.retryFailed)
        var action = machine.start()
        var attempted: Set<Stage> = []
        // The asset is this run's to create: not there when the item started (see `TransferStage`).
        let assetBeforeRun = context.checkpoint.item(id).assets.status == .done
        while true {
            switch action {
            case .finish(let outcome, let error):
                context.events(PipelineEvent(kind: .itemFinished, item: id, outcome: outcome, error: error))
                return (id, outcome, outcome == .failed ? error : nil)
            case .perform(let stage, _):
                // One stage at a time per item, in the machine's order: an item's video goes up only after its
                // subtitles are attached (the watchfolder's processing of the video may read them). Items run
                // side by side, so S3 and the API are still busy at once.
                if attempted.insert(stage).inserted, awaitsEarlierWrites(stage) {
                    await awaitEarlierWrites(stage)
                }
                let result = await attempt(stage, assetCreatedThisRun: !assetBeforeRun && attempted.contains(.assets))
                switch result {
                case .succeeded: action = machine.stageSucceeded()
                case .failed(let error): action = machine.stageFailed(error)
                case .stopped: action = machine.stop()
                }
            }
        }
    }

    /// Whether `stage`, not yet attempted in this run, must first wait for an earlier run's write: it has an intent
    /// that run left open (this run has not touched the stage, so every open intent is an earlier run's) and that
    /// write has not settled yet.
    func awaitsEarlierWrites(_ stage: Stage) -> Bool {
        !context.checkpoint.item(asset.id)[stage].openIntents.isEmpty && ContinuousClock.now < earlierWritesSettled
    }

    /// An intent an earlier run left open: its write may have been on its way when that run died, and a server
    /// can still commit it (a watchfolder then moves it within milliseconds). Reading it back before it has
    /// settled could miss it and send it twice, so the stage waits (once per run; a stop ends the wait).
    private func awaitEarlierWrites(_ stage: Stage) async {
        let wait = ContinuousClock.now.duration(to: earlierWritesSettled)
        guard wait > .zero, !stop.isRequested else { return }
        context.retry.executor.note("\(asset.id): \(stage.rawValue) has a write of an earlier run whose outcome is "
                                    + "unknown; reading it back in \(RetryExecutor.milliseconds(wait)) ms, once it has settled",
                                    metadata: ["item": asset.id, "stage": stage.rawValue])
        await stop.sleep(until: earlierWritesSettled)
    }

    /// Runs `stage` once under its stage's bound, journals a failure and reports events.
    private func attempt(_ stage: Stage, assetCreatedThisRun: Bool) async -> StageResult {
        let id = asset.id
        let semaphore = semaphores.semaphore(for: stage)
        await semaphore.acquire()
        if stop.isRequested {
            await semaphore.release()
            return .stopped
        }
        context.events(PipelineEvent(kind: .stageStarted, item: id, stage: stage))
        do {
            try await perform(stage, assetCreatedThisRun: assetCreatedThisRun)
            await semaphore.release()
            context.events(PipelineEvent(kind: .stageSucceeded, item: id, stage: stage))
            return .succeeded
        } catch {
            await semaphore.release()
            let failure = IngestError.from(error, item: id, stage: stage)
            if failure.code == .cancelled { return .stopped }
            if [.checkpointIO, .checkpointClosed, .checkpointFenced].contains(failure.code) {
                // Without a journal nothing more may be done safely: stop every item.
                journalFailure.withLock { if $0 == nil { $0 = failure } }
                stop.request()
                return .stopped
            }
            try? await context.checkpoint.record(id, .failed(stage, failure), durable: false)
            context.events(PipelineEvent(kind: .stageFailed, item: id, stage: stage, error: failure))
            return .failed(failure)
        }
    }

    private func perform(_ stage: Stage, assetCreatedThisRun: Bool) async throws {
        switch stage {
        case .validate: return
        case .assets: try await AssetsStage.run(asset, context)
        case .documents: try await DocumentsStage.run(asset, context)
        case .transfer: try await TransferStage.run(asset, context, assetCreatedThisRun: assetCreatedThisRun)
        case .confirm: try await ConfirmStage.run(asset, context)
        }
    }
}
