import Foundation

/// File checks: every video and subtitle exists, is a regular readable non-empty file; videos
/// have a recognised container; subtitles parse. The only validation step that does I/O (through
/// `FileProbe`).
///
/// Large manifests are split into contiguous chunks checked in parallel on GCD worker threads (not
/// the Swift cooperative pool); results are merged in item order, so output does not depend on timing.
enum FileChecks {
    /// Below this many items the checks run on the calling thread.
    static let parallelThreshold = 2_000

    static func check(_ manifest: Manifest, paths: ManifestPaths, into diagnostics: inout [Diagnostic]) {
        let assets = manifest.assets
        let workers = assets.count < parallelThreshold ? 1 : max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        let chunkSize = (assets.count + workers - 1) / max(workers, 1)
        let results = ChunkResults(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let range = (worker * chunkSize)..<min(assets.count, (worker + 1) * chunkSize)
            var chunk = Chunk()
            if !range.isEmpty { chunk.check(assets[range], format: manifest.format, paths: paths) }
            results.set(worker, chunk)
        }
        // A subtitle file shared by items in several chunks has its content reported once (first use).
        var reportedContent: Set<String> = []
        for chunk in results.all() {
            diagnostics += chunk.diagnostics
            for (path, issues) in chunk.subtitleContent where reportedContent.insert(path).inserted {
                diagnostics += issues
            }
        }
    }

    /// The checks of one contiguous run of items.
    struct Chunk: Sendable {
        var diagnostics: [Diagnostic] = []
        /// Content diagnostics per subtitle path, in first-use order.
        var subtitleContent: [(path: String, issues: [Diagnostic])] = []
        // Per distinct path, only the small outcome is kept (never the bytes): memory stays flat.
        private var videoResults: [String: Result<VideoContainer?, FileProbe.Problem>] = [:]
        private var subtitleProblems: [String: FileProbe.Problem?] = [:]

        mutating func check(_ assets: ArraySlice<ManifestAsset>, format: ManifestFormat, paths: ManifestPaths) {
            for asset in assets {
                FileChecks.checkVideo(asset, cache: &videoResults, into: &diagnostics)
                for (index, subtitle) in asset.subtitles.enumerated() {
                    checkSubtitle(subtitle, of: asset, field: asset.subtitleFileField(index, format: format), paths: paths)
                }
            }
        }

        private mutating func checkSubtitle(_ subtitle: ManifestSubtitle, of asset: ManifestAsset, field: String,
                                            paths: ManifestPaths) {
            if let cached = subtitleProblems[subtitle.path] {
                // Seen before: repeat a file problem at this use; content issues were recorded once.
                if let problem = cached {
                    diagnostics.append(problem.diagnostic(at: subtitle.location, what: "subtitle", path: subtitle.file,
                                                          item: asset.id, field: field))
                }
                return
            }
            // The size is checked before reading: an oversized file is refused, never loaded.
            var result = FileProbe.readAll(subtitle.path, maxBytes: SubtitleLimits.maxBytes)
            if case .success(let bytes) = result, bytes.isEmpty { result = .failure(.empty) }
            switch result {
            case .failure(let problem):
                subtitleProblems[subtitle.path] = .some(problem)
                diagnostics.append(problem.diagnostic(at: subtitle.location, what: "subtitle", path: subtitle.file,
                                                      item: asset.id, field: field))
            case .success(let bytes):
                subtitleProblems[subtitle.path] = .some(nil)
                let format: SubtitleFormat
                switch ManifestPaths.fileExtension(of: subtitle.path) {
                case "srt": format = .srt
                case "vtt": format = .webvtt
                default: return   // SUBTITLE_FORMAT, reported by the pure rules
                }
                let display = paths.display(subtitle.file)
                let issues = SubtitleChecker.check(bytes, format: format).issues.map { issue in
                    Diagnostic(.error, rule: issue.rule, message: issue.message, hint: issue.hint,
                               location: SourceLocation(file: display, line: issue.line, column: issue.column),
                               itemID: asset.id, field: field)
                }
                if !issues.isEmpty { subtitleContent.append((subtitle.path, issues)) }
            }
        }
    }

    /// Chunk results written by concurrent workers, one slot each.
    /// `@unchecked Sendable`: every access holds `lock`.
    private final class ChunkResults: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Chunk]

        init(count: Int) { slots = Array(repeating: Chunk(), count: count) }

        func set(_ index: Int, _ chunk: Chunk) {
            lock.lock()
            slots[index] = chunk
            lock.unlock()
        }

        func all() -> [Chunk] {
            lock.lock()
            defer { lock.unlock() }
            return slots
        }
    }

    fileprivate static func checkVideo(_ asset: ManifestAsset, cache: inout [String: Result<VideoContainer?, FileProbe.Problem>],
                                   into diagnostics: inout [Diagnostic]) {
        let location = asset.location(of: "video")
        let result: Result<VideoContainer?, FileProbe.Problem>
        if let cached = cache[asset.videoPath] {
            result = cached
        } else {
            result = FileProbe.header(asset.videoPath, headerLength: VideoContainer.sniffLength)
                .map { VideoContainer.sniff($0.bytes) }
            cache[asset.videoPath] = result
        }
        switch result {
        case .failure(let problem):
            diagnostics.append(problem.diagnostic(at: location, what: "video", path: asset.video, item: asset.id, field: "video"))
        case .success(let sniffed):
            let ext = ManifestPaths.fileExtension(of: asset.video)
            guard let container = sniffed else {
                diagnostics.append(.error(DiagnosticRule.videoNotAVideo,
                                          "video file `\(DiagnosticText.escaped(asset.video))` is not a recognised video container",
                                          hint: "expected MP4/MOV (ISO-BMFF), MXF, Matroska/WebM or MPEG-TS; check the file is not a placeholder",
                                          at: location, item: asset.id, field: "video"))
                return
            }
            if let expected = VideoContainer.expected(forExtension: ext), !expected.contains(container) {
                diagnostics.append(.warning(DiagnosticRule.videoExtensionMismatch,
                                            "video file `\(DiagnosticText.escaped(asset.video))` is named `.\(DiagnosticText.escaped(ext))` but contains \(container.displayName)",
                                            hint: "rename the file to match its content", at: location,
                                            item: asset.id, field: "video"))
            }
        }
    }
}
