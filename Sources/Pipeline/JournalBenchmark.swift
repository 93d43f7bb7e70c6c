import Foundation
import IngestCore

/// The journal benchmark behind `skylark-ingest bench-journal` (`scripts/benchmarks/journal.sh`):
/// append throughput with group commit, resume time of a finished journal, and peak RSS of a whole
/// run's bookkeeping with null network services.
public enum JournalBenchmark {
    /// What one benchmark run measured.
    public struct Results: Sendable {
        public var lazyAppendsPerSecond: Double
        public var durableAppendsPerSecond: Double
        public var runSeconds: Double
        public var journalRecords: Int
        public var journalBytes: Int64
        public var resumeSeconds: Double
        public var resumeCompactedSeconds: Double
        public var compactedBytes: Int64
        public var peakRSSBytes: Int64
        public var items: Int

        /// Human-readable lines.
        public var lines: [String] {
            [
                "items: \(items)",
                String(format: "append (group commit, lazy): %.0f records/s", lazyAppendsPerSecond),
                String(format: "append (durable, 512 concurrent writers): %.0f records/s", durableAppendsPerSecond),
                String(format: "full run with null services: %.2f s, %d records, %.1f MB journal", runSeconds, journalRecords,
                       Double(journalBytes) / 1e6),
                String(format: "resume of the finished journal to 'nothing to do': %.3f s", resumeSeconds),
                String(format: "resume after compaction (%.1f MB): %.3f s", Double(compactedBytes) / 1e6, resumeCompactedSeconds),
                String(format: "peak RSS after the appends and the full run: %.1f MB", Double(peakRSSBytes) / 1e6),
            ]
        }
    }

    /// Runs every measurement in `directory` with `items` items of two subtitles each.
    public static func run(directory: String, items count: Int) async throws -> Results {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let header = JournalHeader(toolVersion: "bench", manifestPath: "bench.yaml", manifestSHA256: "", createdAt: Timestamp.now())
        let clock = ContinuousClock()

        // 1. Appends.
        let appendPath = directory + "/append.checkpoint"
        try? FileManager.default.removeItem(atPath: appendPath)
        var opened = try JournalFile.open(path: appendPath, header: header)
        let skipAppends = ProcessInfo.processInfo.environment["BENCH_SKIP_APPENDS"] != nil
        let lazyCount = skipAppends ? 1 : 500_000
        var start = clock.now
        for n in 0..<lazyCount {
            try opened.journal.appendLater(JournalEntry(item: "item-\(n % 100_000)", stage: .transfer, event: .done,
                                                        op: "upload_state", data: ["parts": .number(Double(n))]))
        }
        try await opened.journal.sync()
        let lazyRate = Double(lazyCount) / seconds(clock.now - start)
        let journal = opened.journal
        let writers = skipAppends ? 1 : 512, perWriter = skipAppends ? 1 : 200
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

        // 2. A full run with null services.
        let assets = (0..<count).map(benchAsset)
        if ProcessInfo.processInfo.environment["BENCH_TRACE"] != nil {
            print(String(format: "  peak RSS before the run (appends, %d manifest items): %.1f MB", count, Double(peakRSS()) / 1e6))
        }
        let runPath = directory + "/run.checkpoint"
        for suffix in ["", ".lock", ".compact", ".broken"] { try? FileManager.default.removeItem(atPath: runPath + suffix) }
        opened = try JournalFile.open(path: runPath, header: header)
        start = clock.now
        var checkpoint = Checkpoint(journal: opened.journal, state: opened.state)
        let context = StageContext(checkpoint: checkpoint, skylark: NullSkylark(), store: NullObjectStore(),
                                   retry: Retrier(attempts: 1))
        let result = try await Runner(items: assets, context: context,
                                      options: RunOptions(concurrency: 64, transferSlots: 64)).run()
        guard result.count(.succeeded) == count else {
            throw IngestError(code: "BENCH_FAILED", message: "only \(result.count(.succeeded)) of \(count) items succeeded")
        }
        try await opened.journal.close()
        let runSeconds = seconds(clock.now - start)
        let records = checkpoint.snapshot.entryCount
        let bytes = fileSize(runPath)
        let runPeak = peakRSS()
        checkpoint = .inMemory()  // a new process resumes: nothing of the run stays in memory

        // 3. Resume: open, replay, plan every item, find nothing to do.
        let resumeSeconds = try await resume(path: runPath, header: header, assets: assets)
        opened = try JournalFile.open(path: runPath, header: header)
        try await opened.journal.compact(opened.state)
        try await opened.journal.close()
        let compactedBytes = fileSize(runPath)
        let compactedSeconds = try await resume(path: runPath, header: header, assets: assets)
        _ = checkpoint

        return Results(lazyAppendsPerSecond: lazyRate, durableAppendsPerSecond: durableRate, runSeconds: runSeconds,
                       journalRecords: records, journalBytes: bytes, resumeSeconds: resumeSeconds,
                       resumeCompactedSeconds: compactedSeconds, compactedBytes: compactedBytes,
                       peakRSSBytes: runPeak, items: count)
    }

    /// The process's peak resident set size so far, in bytes.
    static func peakRSS() -> Int64 {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int64(usage.ru_maxrss) * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int64(usage.ru_maxrss)
        #endif
    }

    /// User plus system CPU time of the process so far (a busy machine inflates wall time, not this).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    private static func resume(path: String, header: JournalHeader, assets: [ManifestAsset]) async throws -> Double {
        let clock = ContinuousClock()
        let cpuStart = cpuSeconds()
        let start = clock.now
        let opened = try JournalFile.open(path: path, header: header)
        let replayed = clock.now
        let writes = WriteCounter()
        let context = StageContext(checkpoint: Checkpoint(journal: opened.journal, state: opened.state),
                                   skylark: NullSkylark(counter: writes), store: NullObjectStore(counter: writes))
        let runner = Runner(items: assets, context: context, options: RunOptions(concurrency: 64))
        _ = try await runner.prepare()
        let prepared = clock.now
        let result = try await runner.run()
        let ran = clock.now
        try await opened.journal.close()
        let elapsed = seconds(clock.now - start)
        if ProcessInfo.processInfo.environment["BENCH_TRACE"] != nil {
            print(String(format: "  replay %.3f s, prepare %.3f s, run %.3f s, close %.3f s (CPU %.3f s)", seconds(replayed - start),
                         seconds(prepared - replayed), seconds(ran - prepared), seconds(clock.now - ran),
                         cpuSeconds() - cpuStart))
        }
        guard result.count(.succeeded) == assets.count, writes.value == 0 else {
            throw IngestError(code: "BENCH_FAILED", message: "the resume was not a no-op (\(writes.value) writes)")
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

/// Counts write calls (the resume must make none).
final class WriteCounter: Sendable {
    private let count = Locked(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// A Skylark that answers at once and keeps nothing (benchmarks only).
struct NullSkylark: SkylarkService {
    var counter = WriteCounter()

    private static func uid(_ prefix: String, _ seed: String) -> String {
        prefix + "_" + Fingerprint.fnv1a64(seed) + Fingerprint.fnv1a64(seed + "/")
    }

    func assetTypeURL(_ nameOrUID: String) async throws -> String? { "/api/asset-types/asty_bench/" }
    func documentTypeURL(_ name: String) async throws -> String? { "/api/document-types/doct_bench/" }
    func createAsset(_ asset: NewAsset) async throws -> RemoteAsset {
        counter.add()
        let uid = Self.uid("asse", asset.slug)
        return RemoteAsset(uid: uid, url: "/api/assets/\(uid)/", slug: asset.slug)
    }
    func asset(slug: String) async throws -> RemoteAsset? { nil }
    func asset(uid: String) async throws -> RemoteAsset? { RemoteAsset(uid: uid, url: "/api/assets/\(uid)/") }
    func asset(dataSourceID: String) async throws -> RemoteAsset? { nil }
    func createTextTrack(language: String, assetURL: String) async throws -> RemoteTextTrack {
        counter.add()
        let uid = Self.uid("text", assetURL + language)
        return RemoteTextTrack(uid: uid, url: "/api/text-tracks/\(uid)/", language: language)
    }
    func textTrack(url: String) async throws -> RemoteTextTrack? { nil }
    func createDocument(_ document: NewDocument) async throws -> RemoteDocument {
        counter.add()
        let uid = Self.uid("docu", document.contentURL)
        return RemoteDocument(uid: uid, url: "/api/documents/\(uid)/", contentURL: document.contentURL,
                              uploadURL: "http://bench/api/documents/\(uid)/upload/")
    }
    func documents(contentURL: String) async throws -> [RemoteDocument] { [] }
    func uploadDocumentFile(uploadURL: String, fileName: String, path: String) async throws -> RemoteDocument {
        counter.add()
        return RemoteDocument(uid: "docu_bench", url: "", contentURL: "", uploadURL: uploadURL, fileURL: "/media/x")
    }
}

/// An object store that accepts every upload at once and keeps nothing (benchmarks only).
struct NullObjectStore: ObjectStore {
    var counter = WriteCounter()
    var bucket: String { "bench" }
    func head(key: String) async throws -> ObjectInfo? { nil }
    func upload(path: String, key: String, metadata: [String: String], resume: JSONValue?,
                onState: @escaping @Sendable (JSONValue) async -> Void,
                progress: @escaping @Sendable (Int64) -> Void) async throws -> UploadOutcome {
        counter.add()
        return UploadOutcome(etag: "\"bench\"", bytes: 0)
    }
}
