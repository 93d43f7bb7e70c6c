import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// A catalogue on disk (videos and subtitles in a temp dir) plus the fakes and a journal path.
struct Fixture {
    let directory: TempDirectory
    var assets: [ManifestAsset] = []
    let skylark = FakeSkylark()
    let store = FakeObjectStore()
    var journalPath: String { directory.path("manifest.yaml.checkpoint") }

    /// `advanced` items with two subtitles each and `simple` items.
    init(advanced: Int, simple: Int = 0, languages: [String] = ["en-gb", "fr"]) throws {
        directory = try TempDirectory(prefix: "pipeline")
        let location = IngestCore.SourceLocation(file: "manifest.yaml", line: 1, column: 1)
        for index in 0..<advanced {
            let id = "item-\(index)"
            let video = try directory.write("media/\(id).mp4", String(repeating: "v\(index)", count: 50 + index))
            var subtitles: [ManifestSubtitle] = []
            for language in languages {
                let path = try directory.write("subs/\(id).\(language).srt", "1\n00:00:01,000 --> 00:00:02,000\n\(language)\n")
                subtitles.append(ManifestSubtitle(file: "subs/\(id).\(language).srt", path: path, language: language,
                                                  location: location))
            }
            assets.append(ManifestAsset(id: id, title: "Title \(index)", assetType: "episode", video: "media/\(id).mp4",
                                        videoPath: video, subtitles: subtitles, location: location))
        }
        for index in 0..<simple {
            let id = "simple-\(index)"
            let video = try directory.write("media/\(id).mp4", String(repeating: "s\(index)", count: 40 + index))
            assets.append(ManifestAsset(id: id, mode: .simple, video: "media/\(id).mp4", videoPath: video,
                                        location: location))
        }
    }

    static let header = JournalHeader(toolVersion: "test", manifestPath: "manifest.yaml", manifestSHA256: "", createdAt: "")

    /// Opens the journal (as a new process would) and runs the items once.
    func run(stages: Set<Stage> = Set(Stage.defaultRun), retryFailed: Bool = false, items: [ManifestAsset]? = nil,
             onExisting: OnExisting = .fail, settle: Duration = .zero, stop: StopSignal = StopSignal(),
             beforeRun: (JournalFile) async -> Void = { _ in }) async throws -> (RunResult, JournalState) {
        let opened = try JournalFile.open(path: journalPath, header: Self.header)
        let checkpoint = Checkpoint(journal: opened.journal, state: opened.state)
        await beforeRun(opened.journal)
        let retrier = Retrier(attempts: 4, baseDelay: .milliseconds(1), settle: settle)
        let context = StageContext(checkpoint: checkpoint, skylark: skylark, store: store, retry: retrier,
                                   confirmTimeout: .milliseconds(300), pollInterval: .milliseconds(5), onExisting: onExisting)
        let runner = Runner(items: items ?? assets, context: context,
                            options: RunOptions(stages: stages, concurrency: 4, transferSlots: 2, retryFailed: retryFailed,
                                                retrier: retrier), stop: stop)
        do {
            let result = try await runner.run()
            try await opened.journal.close()
            return (result, checkpoint.snapshot)
        } catch {
            opened.journal.abandon()
            throw error
        }
    }

    /// Records an open intent for `item`, as a run that sent the write and died before its answer left it.
    func recordOpenIntent(_ item: String, _ stage: Stage, op: String) async throws {
        let opened = try JournalFile.open(path: journalPath, header: Self.header)
        let checkpoint = Checkpoint(journal: opened.journal, state: opened.state)
        try await checkpoint.record(item, stage, .intent, op: op)
        try await opened.journal.close()
    }

    /// Checks the exact server end state: one asset per advanced item, one text track and one
    /// uploaded document per subtitle, one object per item with the right metadata.
    /// Makes the fake bucket behave like Skylark's watchfolder: every upload moves to `processed/` and the
    /// fake Skylark processes it (the asset gains OVPs; a simple-mode object gets its asset).
    func processUploads() async {
        let skylark = self.skylark
        let store = self.store
        await store.configure(processor: { key, metadata in
            await store.moveToProcessed(key)
            await skylark.process(key: key, metadata: metadata)
        })
    }

    func expectExactEndState(languages: Int = 2, sourceLocation: Testing.SourceLocation = #_sourceLocation) async {
        let advanced = assets.filter { $0.mode == .advanced }
        let serverAssets = await skylark.assets
        let tracks = await skylark.textTracks
        let documents = await skylark.documents
        let objects = await store.objects
        let advancedAssets = serverAssets.values.filter { $0.remote.dataSourceID == nil }
        #expect(advancedAssets.count == advanced.count, sourceLocation: sourceLocation)
        #expect(Set(advancedAssets.compactMap(\.remote.slug)).count == advanced.count, sourceLocation: sourceLocation)
        #expect(tracks.count == advanced.count * languages, sourceLocation: sourceLocation)
        #expect(documents.count == advanced.count * languages, sourceLocation: sourceLocation)
        #expect(documents.values.allSatisfy { $0.fileURL != nil }, sourceLocation: sourceLocation)
        for asset in advancedAssets {
            #expect(asset.remote.textTrackURLs.count == languages, sourceLocation: sourceLocation)
        }
        for asset in assets {
            guard let object = objects[asset.effectiveKey] ?? objects["processed/" + asset.effectiveKey] else {
                Issue.record("no object for \(asset.id)", sourceLocation: sourceLocation)
                continue
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: asset.videoPath)[.size] as? Int) ?? -1
            #expect(object.size == Int64(size), sourceLocation: sourceLocation)
            if asset.mode == .advanced {
                let uid = serverAssets.values.first { $0.remote.slug == asset.effectiveSlug }?.remote.uid ?? "?"
                #expect(object.metadata["asset"] == "{\"uid\": \"\(uid)\"}", sourceLocation: sourceLocation)
            } else {
                #expect(object.metadata.isEmpty, sourceLocation: sourceLocation)
            }
        }
    }
}
