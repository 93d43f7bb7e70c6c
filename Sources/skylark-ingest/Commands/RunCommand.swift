import ArgumentParser
import CryptoPrimitives
import Dispatch
import Foundation
import IngestCore
import Logging
import Pipeline
import S3
import Session

/// `skylark-ingest run MANIFEST`: validate, then run the stages with the checkpoint journal.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Ingest the manifest: assets, documents, transfer (and confirm), resumable.",
        discussion: """
            Run the same command again to resume: work recorded as done in the checkpoint is skipped and
            nothing is created twice. Exit status: 0 all requested stages succeeded for every item, 1 some
            items failed (see the report), 2 usage error or invalid manifest (nothing sent), 3 configuration,
            authentication or connectivity error before work started, 130 interrupted (run again to resume).
            --shard I/N takes the items whose id hashes to shard I of N (a function of the id alone, so editing
            the manifest moves no other item); --shard auto reads I and N from a Slurm array, a Kubernetes Indexed
            Job or an AWS Batch array (with SKYLARK_SHARD_COUNT). Each shard's default checkpoint and report dir
            are MANIFEST.shard-I-of-N.checkpoint and .report/; the shard is recorded in the checkpoint.
            """
    )

    @Argument(help: "The manifest (.yaml, .yml or .csv).")
    var manifest: String

    @OptionGroup var checkpointOptions: CheckpointOptions

    @Option(name: .customLong("report-dir"), help: "Where reports go (default: MANIFEST.report/).")
    var reportDir: String?

    @Option(help: "Stages to run: a comma list of validate, assets, documents, transfer, confirm, or 'all'.")
    var stages: String = "validate,assets,documents,transfer"

    @Option(help: ArgumentHelp("Skylark API calls in flight for the run: auto (adaptive: starts at 8, grows while latency "
                               + "holds, halves on 429/503) or a fixed ceiling N (halves on 429/503, grows back to N).",
                               valueName: "auto|N"))
    var concurrency: String = "auto"

    @Option(name: .customLong("concurrency-max"), help: "The ceiling of --concurrency auto.")
    var concurrencyMax: Int = APIConcurrency.defaultMaximum

    @Option(help: "Video files uploading at once (each with several parts in flight for large files).")
    var transfers: Int = 8

    @Flag(name: .customLong("dry-run"), help: "Validate and print the plan; send nothing.")
    var dryRun = false

    @Flag(name: .customLong("retry-failed"), help: "Retry items whose failure was not retryable.")
    var retryFailed = false

    @Option(help: "Run one shard of the items: I/N, or auto (the job engine's task index: Slurm, Kubernetes, AWS Batch).")
    var shard: String?

    @Option(help: "A YAML file with the same keys as the environment variables, in lower case.")
    var config: String?

    @Flag(name: .customLong("no-progress"), help: "Plain log lines instead of a live progress line.")
    var noProgress = false

    @Option(name: .customLong("ca-bundle"), help: "Extra CA certificates (PEM) to trust, added to the system store (or AWS_CA_BUNDLE).")
    var caBundle: String?

    @Option(name: .customLong("max-bandwidth"),
            help: ArgumentHelp("Upload rate limit for the whole run, all files and parts together, e.g. 50MB/s or 20MiB; "
                               + "or a timetable in local time, e.g. \"08:00,10M 19:00,off\" (rclone's --bwlimit).",
                               valueName: "rate|timetable"))
    var maxBandwidth: String?

    @Option(name: .customLong("on-existing"),
            help: ArgumentHelp("When an item's slug already belongs to an asset this run did not create: fail the item, "
                               + "or adopt the asset when its title and asset type are the manifest's.",
                               valueName: "fail|adopt"))
    var onExisting: OnExisting = .fail

    @Option(name: .customLong("part-size"), help: "Preferred part size, e.g. 16MiB (min 5MiB; raised to fit 10,000 parts).")
    var partSize: String?

    @Option(name: .customLong("confirm-timeout"), help: "Seconds the confirm stage waits for processing.")
    var confirmTimeout: Int = 300

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if concurrencyMax < 1 { throw ValidationError("--concurrency-max must be at least 1") }
        if APIConcurrency(parsing: concurrency, maximum: concurrencyMax) == nil {
            throw ValidationError("--concurrency must be auto or a whole number of at least 1")
        }
        if transfers < 1 { throw ValidationError("--transfers must be at least 1") }
        if confirmTimeout < 0 { throw ValidationError("--confirm-timeout must not be negative") }
        do { _ = try Stage.parseList(stages) } catch { throw ValidationError(IngestError.from(error).message) }
        if let shard, shard != "auto" {
            do { _ = try Shard(parsing: shard) } catch { throw ValidationError(IngestError.from(error).message) }
        }
        if let partSize, ByteSize.parse(partSize) == nil {
            throw ValidationError("--part-size: cannot read '\(partSize)' as a size")
        }
        if let maxBandwidth {
            do { _ = try BandwidthSchedule(parsing: maxBandwidth) } catch { throw ValidationError("--max-bandwidth: \(error)") }
        }
    }

    /// `--concurrency` and `--concurrency-max` (checked by `validate()`).
    private var apiConcurrency: APIConcurrency {
        APIConcurrency(parsing: concurrency, maximum: concurrencyMax) ?? .auto(maximum: concurrencyMax)
    }

    /// The validation diagnostics on stderr: as they are with text logs, one record per line with JSON logs.
    private func writeDiagnostics(_ text: String, errors: Bool, logger: Logger) {
        guard logging.logFormat == .json else {
            StandardOutput.writeError(text)
            return
        }
        for line in text.split(separator: "\n") where !line.isEmpty {
            logger.log(level: errors ? .error : .warning, "\(line)")
        }
    }

    func run() async throws {
        let logger = Log.bootstrap(level: logging.level, format: logging.logFormat)
        let requested = Set(try Stage.parseList(stages))
        let parsedShard: Shard?
        do {
            parsedShard = try shard.map { $0 == "auto" ? try Shard.auto(environment: ProcessInfo.processInfo.environment)
                                                       : try Shard(parsing: $0) }
        } catch {
            throw ExitStatus.fail(error)
        }
        // Each shard keeps its own checkpoint and reports unless told otherwise.
        let shardSuffix = parsedShard.map { ".shard-\($0.index)-of-\($0.count)" } ?? ""
        let checkpointPath = checkpointOptions.checkpoint ?? manifest + shardSuffix + ".checkpoint"
        let reportPath = reportDir ?? manifest + shardSuffix + ".report"

        // 1. Validate: errors → exit 2, nothing sent.
        let path = manifest
        let loaded: Manifest
        do {
            // Validation blocks on many file reads: a thread of its own, never the cooperative pool.
            var validation = await DedicatedThread.run(name: "validate") { ManifestValidator.validate(path: path) }
            guard var valid = validation.manifest, !validation.hasErrors else {
                writeDiagnostics(DiagnosticFormatter.text(validation, manifestPath: manifest), errors: true, logger: logger)
                throw ExitCode(ExitStatus.usage)
            }
            if !validation.diagnostics.isEmpty {
                writeDiagnostics(DiagnosticFormatter.text(validation, manifestPath: manifest), errors: false, logger: logger)
            }
            validation.manifest = nil  // so the items are changed in place, not copied
            valid.dropFieldLocations()
            Manifest.releaseFreedMemory()
            loaded = valid
        }
        var items = loaded.assets
        var excluded: Set<String> = []
        if let parsed = parsedShard {
            var kept: [ManifestAsset] = []
            for asset in items {
                if parsed.contains(id: asset.id) { kept.append(asset) } else { excluded.insert(asset.id) }
            }
            items = kept
        }
        let workStages = requested.subtracting([.validate])
        let session = makeSession(logger: logger)
        if dryRun {
            try await runDry(items: items, requested: workStages, checkpointPath: checkpointPath, shard: parsedShard,
                             session: session)
            return
        }
        if workStages.isEmpty {
            print("\(manifest): valid; no work stage requested")
            return
        }

        // 2. Configuration, authentication and connectivity → exit 3 before any work.
        let services: IngestSession.Services
        do { services = try await session.services(for: workStages) } catch { throw ExitStatus.fail(error) }

        // 3. The checkpoint: a file (exclusive lock) or an S3 prefix (lease and fencing, docs/checkpoint-s3.md).
        let fence = FenceRelay()
        let opened: OpenedCheckpoint
        do {
            let bytes = FileManager.default.contents(atPath: manifest) ?? Data()
            let sha = Hex.encode(Digest.sha256([UInt8](bytes)))
            opened = try await session.openCheckpoint(
                location: checkpointPath, header: JournalHeader(toolVersion: ToolVersion.current, manifestPath: manifest,
                                                                manifestSHA256: sha, createdAt: Timestamp.now(),
                                                                shard: parsedShard?.description),
                shard: parsedShard, onFenced: { _ in fence.fire() })
        } catch {
            throw ExitStatus.fail(error)
        }

        // 4. Run, stopping gracefully on SIGINT/SIGTERM.
        let checkpoint = opened.checkpoint
        let totalBytes = items.reduce(Int64(0)) { sum, asset in
            sum + ((try? FileManager.default.attributesOfItem(atPath: asset.videoPath)[.size] as? Int).map(Int64.init) ?? 0)
        }
        let console = Console(total: items.count, totalBytes: requested.contains(.transfer) ? totalBytes : 0,
                              noProgress: noProgress || logging.level >= .warning, logger: logger,
                              textLogs: logging.logFormat == .text)
        let stop = StopSignal()
        let signals = SignalTrap(stop: stop)
        let outside = excluded
        let reportContext = { @Sendable (interrupted: Bool) in
            ReportBuilder.Context(tool: ToolVersion.current, manifestPath: manifest, checkpointPath: checkpointPath,
                                  generatedAt: Timestamp.now(), stages: Stage.allCases.filter { requested.contains($0) },
                                  interrupted: interrupted, excluded: outside)
        }
        let assets = loaded.assets
        // Reports are rewritten while the run goes on once items fail, and at the end.
        let failureReports = FailureReports { failures in
            let source = ReportSource(assets: assets, state: checkpoint.snapshot, context: reportContext(false),
                                      errors: failures)
            do { try ReportWriter.write(source, to: reportPath) } catch {
                Console.printError("warning: \(IngestError.from(error).description)")
            }
        }
        let context = StageContext(checkpoint: checkpoint, skylark: services.skylark, store: services.store, retry: services.retry,
                                   confirmTimeout: .seconds(confirmTimeout), onExisting: onExisting, events: { event in
                                       console.handle(event)
                                       failureReports.record(event)
                                   })
        let options = RunOptions(stages: workStages, concurrency: apiConcurrency.ceiling, transferSlots: transfers,
                                 retryFailed: retryFailed, confirmTimeout: .seconds(confirmTimeout))
        let result: RunResult
        failureReports.start()
        do {
            // A fenced S3 checkpoint (another task took the shard over) stops every effect in flight at once.
            let runTask = Task { try await Runner(items: items, context: context, options: options, stop: stop).run() }
            fence.onFence {
                stop.request()
                runTask.cancel()
            }
            result = try await runTask.value
        } catch {
            await failureReports.finish()
            signals.cancel()
            console.stopLive()
            try? await opened.journal.close()
            throw ExitStatus.fail(error)
        }
        await failureReports.finish()
        signals.cancel()
        console.finish(interrupted: result.interrupted)

        // 5. Reports, compaction, exit code.
        let state = checkpoint.snapshot
        let source = ReportSource(assets: assets, state: state, context: reportContext(result.interrupted),
                                  outcomes: result.outcomes, errors: result.errors)
        do { try ReportWriter.write(source, to: reportPath) } catch {
            Console.printError("error: \(IngestError.from(error).description)")
        }
        await opened.finish()
        Console.printLine("reports: \(reportPath)/{report.json,report.csv,junit.xml,summary.md}", level: .notice)
        if let failure = result.journalFailure, failure.code == .checkpointFenced {
            Console.printError("error: \(failure.description)")
            Console.printLine("stopped: another task took over the checkpoint \(checkpointPath); this one started no new work "
                              + "after it did", level: .error)
        } else if let failure = result.journalFailure {
            Console.printError("error: \(failure.description)")
            Console.printLine("stopped: the checkpoint \(checkpointPath) cannot be written; no new work was started. "
                              + "Free space or fix its permissions, then run the same command again to resume", level: .error)
        } else if result.interrupted {
            Console.printLine("interrupted: the checkpoint is consistent; run the same command again to resume", level: .warning)
        }
        let code = ExitStatus.code(for: result)
        if code != 0 { throw ExitCode(code) }
    }

    /// The run's services, built on first use: connections for every call in flight (one per API call and per
    /// upload part, kept in the cache, with room for an S3 checkpoint's segment and lease requests, which must
    /// not queue behind the parts), the API limiter of `--concurrency`, `--part-size` and `--max-bandwidth`.
    private func makeSession(logger: Logger) -> IngestSession {
        var options = IngestSession.Options()
        options.caBundle = caBundle
        let parts = transfers * options.uploads.partConcurrency + 8
        options.maxHostConnections = max(32, apiConcurrency.ceiling * 2, parts)
        options.maxTotalConnections = max(64, apiConcurrency.ceiling * 4, parts)
        options.handlePoolSize = max(32, apiConcurrency.ceiling * 2)
        options.apiLimiter = APICallLimiter(apiConcurrency.settings, log: { message, metadata in
            logger.info("\(message)", metadata: metadata.mapValues { .string($0) })
        })
        if let partSize = partSize.flatMap(ByteSize.parse) { options.uploads.planner = PartPlanner(preferredPartSize: partSize) }
        options.uploads.bandwidth = maxBandwidth.flatMap { try? BandwidthSchedule(parsing: $0) }
        return IngestSession(configFile: config, options: options, logger: logger, notice: { Console.printError($0) })
    }

    /// `--dry-run`: the plan from the checkpoint and the manifest, with no network and no writes.
    private func runDry(items: [ManifestAsset], requested: Set<Stage>, checkpointPath: String, shard: Shard?,
                        session: IngestSession) async throws {
        var state: JournalState
        if S3JournalLayout.isS3(checkpointPath) {
            // Read only: the shard's journal in S3 (no lease is taken, nothing is written).
            do { state = try await session.replayCheckpoint(checkpointPath, shard: shard) } catch { throw ExitStatus.fail(error) }
        } else {
            state = try CheckpointReader.state(checkpointPath)
        }
        // Counted before the run, whose checkpoint then holds the only copy of the state (a copy kept here
        // would be duplicated by the run's first record).
        let already = items.count { ItemMachine.outcome(of: state.item($0.id), mode: $0.mode, through: .transfer) == .succeeded }
        let checkpoint = Checkpoint.inMemory(state)
        state = JournalState()
        // Each line is printed as the plan is made, in the same order as once collected.
        let log = PlanLog(writingEach: { print("would \($0)") })
        let bucket = (try? await session.configuration())?.bucket ?? "SKYLARK_WATCHFOLDER_BUCKET"
        let context = StageContext(checkpoint: checkpoint, skylark: DryRunSkylark(base: OfflineSkylark(), log: log),
                                   store: DryRunObjectStore(base: OfflineObjectStore(bucket: bucket), log: log))
        let stages = requested.subtracting([.confirm])
        let result = try await Runner(items: items, context: context,
                                      options: RunOptions(stages: stages, concurrency: 1, retryFailed: retryFailed)).run()
        if requested.contains(.confirm) { print("would wait up to \(confirmTimeout)s per item for processed/<key> and OVPs") }
        print("plan: \(items.count) item(s), \(already) already done, \(log.count) write(s); "
              + "\(result.count(.failed)) item(s) would fail; nothing was sent")
    }
}
