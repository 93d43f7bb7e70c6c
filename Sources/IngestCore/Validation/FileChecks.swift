import Foundation

/// File checks: every video and subtitle exists, is a regular readable non-empty file; videos
/// have a recognised container; subtitles parse. The only validation step that does I/O (through
/// `FileProbe`).
///
/// Each distinct file is probed once (open, `fstat`, a read of the sniff window or of the whole
/// subtitle, the subtitle parse) by `probeWidth` threads of their own (`DedicatedThread.forEach`,
/// neither the cooperative pool nor GCD's workers). On network storage (NAS, EBS, EFS) a probe is
/// mostly waiting for a round trip, and many probes in flight is what lets validation run at the
/// storage's speed whatever the number of cores. Only each file's small outcome is kept (never its
/// bytes), and the outcomes become diagnostics in manifest order afterwards, so the output does not
/// depend on timing or on the width.
public enum FileChecks {
    /// How many files are probed at once unless told otherwise: network storage rewards 32–128
    /// concurrent opens; on a local disk with a warm cache the extra threads cost little.
    public static let defaultProbeWidth = 64

    static func check(_ manifest: Manifest, paths: ManifestPaths, probeWidth: Int = defaultProbeWidth,
                      into diagnostics: inout [Diagnostic]) {
        let folder = paths.absoluteFolder
        let subtitleCount = manifest.assets.reduce(0) { $0 + $1.subtitleList.count }
        var plan = ProbePlan(folder: folder, videos: manifest.assets.count, subtitles: subtitleCount)
        for asset in manifest.assets { plan.add(asset) }
        // The lookup tables only serve building the plan: freed before the outcomes are allocated.
        plan.dropIndexes()
        let jobs = plan.jobs
        let outcomes = Outcomes(count: jobs.count)
        DedicatedThread.forEach(count: jobs.count, width: probeWidth, name: "probe") { index in
            outcomes.set(index, probe(jobs[index], folder: folder))
        }
        report(manifest, plan: plan, outcomes: outcomes, paths: paths, into: &diagnostics)
    }

    // MARK: - Plan

    /// One distinct file to probe.
    struct Job: Sendable {
        enum Kind: Sendable { case video, subtitle }
        /// `ManifestPaths.identity` of the file: equal keys are the same file.
        var key: String
        var kind: Kind
    }

    /// The distinct files in first-use order, and which one each use (an item's video, then its
    /// subtitles, item after item) is.
    struct ProbePlan {
        let folder: String
        private(set) var jobs: [Job] = []
        /// The job of each use, in manifest order.
        private(set) var uses: [Int32] = []
        /// Finds a file's job by the hash of its key and kind (8 bytes a slot, no key kept twice);
        /// two hash tables of every distinct path before (~10 MB at 100,000 items).
        private var index: HashIndex

        /// A plan for `videos` video and `subtitles` subtitle uses, reserved up front: no table or
        /// list is copied while it grows (which would hold the old and the new one at once).
        init(folder: String, videos videoUses: Int, subtitles subtitleUses: Int) {
            self.folder = folder
            index = HashIndex(capacity: videoUses + subtitleUses)
            uses.reserveCapacity(videoUses + subtitleUses)
            jobs.reserveCapacity(videoUses + subtitleUses)
        }

        mutating func add(_ asset: ManifestAsset) {
            uses.append(job(asset.videoPathStorage.identity(asset.video, folder: folder), .video))
            for subtitle in asset.subtitleList {
                uses.append(job(subtitle.pathStorage.identity(subtitle.file, folder: folder), .subtitle))
            }
        }

        /// Frees the table that finds a file's job while the plan is built; `add` must not be
        /// called afterwards.
        mutating func dropIndexes() {
            index = HashIndex(capacity: 0)
        }

        private mutating func job(_ key: String, _ kind: Job.Kind) -> Int32 {
            var hasher = Hasher()
            hasher.combine(key)
            hasher.combine(kind == .video)
            let hash = hasher.finalize()
            switch index.lookup(hash: hash, matches: { jobs[$0].kind == kind && jobs[$0].key == key }) {
            case .found(let existing):
                return Int32(existing)
            case .free(let slot):
                index.insert(jobs.count, hash: hash, slot: slot)
                jobs.append(Job(key: key, kind: kind))
                return Int32(jobs.count - 1)
            }
        }
    }

    // MARK: - Probe (on the pool's threads)

    /// What probing one file found: small, whatever the file's size.
    enum Outcome: Sendable {
        case pending
        case problem(FileProbe.Problem)
        /// A video's container, nil when none is recognised.
        case video(VideoContainer?)
        /// A subtitle's content issues (none when it parsed cleanly, or has an extension the rules refuse).
        case subtitle([SubtitleIssue])
    }

    static func probe(_ job: Job, folder: String) -> Outcome {
        let path = job.key.isEmpty ? "" : ManifestPaths.path(ofIdentity: job.key, folder: folder)
        switch job.kind {
        case .video:
            switch FileProbe.header(path, headerLength: VideoContainer.sniffLength) {
            case .failure(let problem): return .problem(problem)
            case .success(let header): return .video(VideoContainer.sniff(header.bytes))
            }
        case .subtitle:
            // The size is checked before reading: an oversized file is refused, never loaded.
            switch FileProbe.readAll(path, maxBytes: SubtitleLimits.maxBytes) {
            case .failure(let problem): return .problem(problem)
            case .success(let bytes):
                if bytes.isEmpty { return .problem(.empty) }
                let format: SubtitleFormat
                switch ManifestPaths.fileExtension(of: path) {
                case "srt": format = .srt
                case "vtt": format = .webvtt
                default: return .subtitle([])   // SUBTITLE_FORMAT, reported by the pure rules
                }
                return .subtitle(SubtitleChecker.check(bytes, format: format).issues)
            }
        }
    }

    /// One slot per job, each written by the one thread that probed it and read once every thread
    /// has finished (`DedicatedThread.forEach` returns after its threads' last writes).
    /// `@unchecked Sendable`: slots are disjoint between writers and read only after they are done.
    final class Outcomes: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<Outcome>

        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: .pending)
        }

        deinit {
            slots.deinitialize()
            slots.deallocate()
        }

        func set(_ index: Int, _ outcome: Outcome) { slots[index] = outcome }

        subscript(index: Int32) -> Outcome { slots[Int(index)] }
    }

    // MARK: - Diagnostics (in manifest order)

    private static func report(_ manifest: Manifest, plan: ProbePlan, outcomes: Outcomes, paths: ManifestPaths,
                               into diagnostics: inout [Diagnostic]) {
        // A subtitle file's content is reported once, at its first use; a file problem at every use.
        var contentReported = [Bool](repeating: false, count: plan.jobs.count)
        var content: [Diagnostic] = []
        var use = 0
        for asset in manifest.assets {
            reportVideo(asset, outcomes[plan.uses[use]], into: &diagnostics)
            use += 1
            for (index, subtitle) in asset.subtitleList.enumerated() {
                let job = plan.uses[use]
                use += 1
                let field = asset.subtitleFileField(index, format: manifest.format)
                switch outcomes[job] {
                case .problem(let problem):
                    diagnostics.append(problem.diagnostic(at: subtitle.location, what: "subtitle", path: subtitle.file,
                                                          item: asset.id, field: field))
                case .subtitle(let issues):
                    guard !contentReported[Int(job)] else { continue }
                    contentReported[Int(job)] = true
                    guard !issues.isEmpty else { continue }
                    let display = paths.display(subtitle.file)
                    content += issues.map { issue in
                        Diagnostic(.error, rule: issue.rule, message: issue.message, hint: issue.hint,
                                   location: SourceLocation(file: display, line: issue.line, column: issue.column),
                                   itemID: asset.id, field: field)
                    }
                case .pending, .video:
                    preconditionFailure("a subtitle's probe has no subtitle outcome")
                }
            }
        }
        diagnostics += content
    }

    private static func reportVideo(_ asset: ManifestAsset, _ outcome: Outcome, into diagnostics: inout [Diagnostic]) {
        let location = asset.location(of: "video")
        switch outcome {
        case .problem(let problem):
            diagnostics.append(problem.diagnostic(at: location, what: "video", path: asset.video, item: asset.id, field: "video"))
        case .video(let sniffed):
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
        case .pending, .subtitle:
            preconditionFailure("a video's probe has no video outcome")
        }
    }
}
