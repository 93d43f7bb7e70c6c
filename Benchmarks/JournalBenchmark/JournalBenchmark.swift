import Foundation
import IngestCore
import Pipeline
import Session

/// The journal benchmark behind `journal-bench` (`scripts/bench/run journal`):
/// append throughput with group commit, a whole run's bookkeeping with null network services, and
/// the resume of its finished journal.
///
/// The run and resume phases open their checkpoint through `IngestSession.openCheckpoint`, as the run command
/// does (its warnings printed, a journal whose records outgrew its items compacted before the run).
///
/// Each phase runs in a process of its own (the command starts one per phase), so the peak RSS a
/// phase prints is that of a process doing only that: a run's peak is not inflated by the append
/// phase, and a resume starts from nothing as it would after a crash or on the next night.
enum JournalBenchmark {
    enum Phase: String, CaseIterable, Sendable {
        /// Lazy appends with group commit, then durable appends from 512 concurrent writers.
        case appends
        /// A full run of `items` items (two subtitles each) with null services, from an empty journal.
        case run
        /// Resume the run's finished (compacted) journal to "nothing to do".
        case resume
        /// Resume the run's journal as it was before compaction (a run killed just before its end).
        case resumeUncompacted = "resume-uncompacted"
    }

    /// Runs `phase` in `directory` and returns the lines to print. The run phase leaves its journal
    /// there for the resume phases: `run.checkpoint` compacted (as the run command leaves it) and
    /// `uncompacted.checkpoint` (a copy taken just before the compaction).
    /// With `manifest`, the run and resume phases validate and use that manifest's items (as the
    /// run command does) instead of `count` made-up items with two subtitles each.
    static func run(_ phase: Phase, directory: String, items count: Int, manifest: String? = nil) async throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let items = { () throws -> [ManifestAsset] in
            guard let manifest else { return (0..<count).map(benchAsset) }
            var validation = ManifestValidator.validate(path: manifest)
            guard var loaded = validation.manifest, !validation.hasErrors else {
                throw IngestError(code: ErrorCode(rawValue: "BENCH_FAILED"), message: "\(manifest) is not valid")
            }
            validation.manifest = nil
            loaded.dropFieldLocations()  // as the run command keeps them
            Manifest.releaseFreedMemory()
            return loaded.assets
        }
        var lines: [String]
        switch phase {
        case .appends: lines = try await appends(directory: directory)
        case .run: lines = try await fullRun(directory: directory, assets: try items())
        case .resume: lines = try await resume(directory: directory, file: "run.checkpoint", assets: try items())
        case .resumeUncompacted: lines = try await resume(directory: directory, file: "uncompacted.checkpoint", assets: try items())
        }
        lines.append(String(format: "peak RSS of the %@ process: %.1f MB", phase.rawValue, Double(ProcessUsage.peakRSS()) / 1e6))
        return lines
    }

    /// The session of a run with the environment alone; the stages get null services instead of its clients.
    private static let session = IngestSession(configuration: Configuration(environment: ProcessInfo.processInfo.environment))

    private static let header = JournalHeader(toolVersion: "bench", manifestPath: "bench.yaml", manifestSHA256: "",
                                              createdAt: "2026-01-01T00:00:00Z")

    private static func appends(directory: String) async throws -> [String] {
        let clock = ContinuousClock()
        let appendPath = directory + "/append.checkpoint"
        try? FileManager.default.removeItem(atPath: appendPath)
        let opened = try JournalFile.open(path: appendPath, header: header)
        let lazyCount = 500_000
        var start = clock.now
        for n in 0..<lazyCount {
            try opened.journal.appendLater(JournalEntry(item: "item-\(n % 100_000)", stage: .transfer, event: .done,
                                                        op: "upload_state", data: ["parts": .number(Double(n))]))
        }
        try await opened.journal.sync()
        let lazyRate = Double(lazyCount) / seconds(clock.now - start)
        let journal = opened.journal
        let writers = 512, perWriter = 200
        start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for n in 0..<perWriter {
                        try await journal.append(JournalEntry(item: "w\(w)", stage: .assets, event: .intent, op: "create",
                                                              data: ["n": .number(Double(n))]), durable: true)
                    }
                }
            }
            try await group.waitForAll()
        }
        let durableRate = Double(writers * perWriter) / seconds(clock.now - start)
        try await journal.close()
        try? FileManager.default.removeItem(atPath: appendPath)
        return [
            String(format: "append (group commit, lazy): %.0f records/s", lazyRate),
            String(format: "append (durable, %d concurrent writers): %.0f records/s", writers, durableRate),
        ]
    }

    private static func fullRun(directory: String, assets: [ManifestAsset]) async throws -> [String] {
        let clock = ContinuousClock()
        let count = assets.count
        ProcessUsage.trace("manifest items made")
        let runPath = directory + "/run.checkpoint"
        for suffix in ["", ".lock", ".compact", ".broken"] { try? FileManager.default.removeItem(atPath: runPath + suffix) }
        let opened = try await session.openCheckpoint(location: runPath, header: header)
        let start = clock.now
        let checkpoint = opened.checkpoint
        let context = StageContext(checkpoint: checkpoint, skylark: NullSkylark(), store: NullObjectStore(),
                                   retry: Retrier(attempts: 1))
        let runner = Runner(items: assets, context: context, options: RunOptions(concurrency: 64, transferSlots: 64))
        let result = try await runner.run()
        ProcessUsage.trace("ran")
        guard result.count(.succeeded) == count else {
            throw IngestError(code: ErrorCode(rawValue: "BENCH_FAILED"), message: "only \(result.count(.succeeded)) of \(count) items succeeded")
        }
        let runSeconds = seconds(clock.now - start)
        let runPeak = ProcessUsage.peakRSS()
        // What the run command does at its end: the reports, then compaction.
        let state = checkpoint.snapshot
        let reportStart = clock.now
        try ReportWriter.write(ReportSource(
            assets: assets, state: state,
            context: .init(tool: "bench", manifestPath: "bench.yaml", checkpointPath: runPath, generatedAt: "2026-01-01T00:00:00Z",
                           stages: Stage.allCases),
            outcomes: result.outcomes, errors: result.errors), to: directory + "/reports")
        ProcessUsage.trace("reports written")
        let reportSeconds = seconds(clock.now - reportStart)
        let records = state.entryCount
        let bytes = fileSize(runPath)
        try await opened.journal.sync()
        // Kept for the resume-uncompacted phase: the journal of a run killed just before its end.
        try? FileManager.default.removeItem(atPath: directory + "/uncompacted.checkpoint")
        try FileManager.default.copyItem(atPath: runPath, toPath: directory + "/uncompacted.checkpoint")
        try await opened.journal.compact(state)
        try await opened.journal.close()
        ProcessUsage.trace("compacted")
        return [
            "items: \(count), \(assets.reduce(0) { $0 + $1.subtitles.count }) subtitles",
            String(format: "full run with null services: %.2f s, %d records, %.1f MB journal (%.1f MB compacted)", runSeconds,
                   records, Double(bytes) / 1e6, Double(fileSize(runPath)) / 1e6),
            String(format: "peak RSS at the end of the run (manifest items + bookkeeping): %.1f MB", Double(runPeak) / 1e6),
            String(format: "reports of %d items: %.2f s", count, reportSeconds),
        ]
    }

    private static func resume(directory: String, file: String, assets: [ManifestAsset]) async throws -> [String] {
        let path = directory + "/" + file
        guard FileManager.default.fileExists(atPath: path) else {
            throw IngestError(code: ErrorCode(rawValue: "BENCH_FAILED"), message: "no \(path): run the 'run' phase first")
        }
        ProcessUsage.trace("manifest items made")
        let bytes = fileSize(path)  // before the resume, which compacts an uncompacted journal as the run does
        let seconds = try await resume(path: path, assets: assets)
        let what = file == "run.checkpoint" ? "finished journal (compacted at the run's end)" : "uncompacted journal"
        return [String(format: "resume of the %@, %.1f MB, to 'nothing to do': %.3f s", what, Double(bytes) / 1e6, seconds)]
    }

    private static func resume(path: String, assets: [ManifestAsset]) async throws -> Double {
        let clock = ContinuousClock()
        let cpuStart = ProcessUsage.cpuSeconds()
        let start = clock.now
        let opened = try await session.openCheckpoint(location: path, header: header)
        ProcessUsage.trace("opened (replayed, compacted when due)")
        let replayed = clock.now
        let writes = WriteCounter()
        let context = StageContext(checkpoint: opened.checkpoint,
                                   skylark: NullSkylark(counter: writes), store: NullObjectStore(counter: writes))
        let runner = Runner(items: assets, context: context, options: RunOptions(concurrency: 64))
        let result = try await runner.run()  // drift check of every item (prepare), then the items
        let ran = clock.now
        try await opened.journal.close()
        let elapsed = seconds(clock.now - start)
        if ProcessUsage.tracing {
            print(String(format: "  open %.3f s, prepare + run %.3f s, close %.3f s (CPU %.3f s)", seconds(replayed - start),
                         seconds(ran - replayed), seconds(clock.now - ran), ProcessUsage.cpuSeconds() - cpuStart))
        }
        guard result.count(.succeeded) == assets.count, writes.value == 0 else {
            throw IngestError(code: ErrorCode(rawValue: "BENCH_FAILED"), message: "the resume was not a no-op (\(writes.value) writes)")
        }
        return elapsed
    }

    private static func benchAsset(_ index: Int) -> ManifestAsset {
        let location = SourceLocation(file: "bench.yaml", line: index + 1, column: 1)
        let subtitles = ["en-gb", "fr"].map { language in
            ManifestSubtitle(file: "subs/\(index).\(language).srt", path: "/bench/subs/\(index).\(language).srt",
                             language: language, location: location)
        }
        return ManifestAsset(id: "item-\(index)", title: "Bench item \(index)", assetType: "episode",
                             video: "media/\(index).mp4", videoPath: "/dev/null", subtitles: subtitles, location: location)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int).map(Int64.init) ?? 0
    }
}
