/// One subtitle's remote objects in a report.
public struct TrackReport: Sendable, Hashable, Codable {
    public var language: String
    public var textTrackUID: String?
    public var documentUID: String?
    public var uploaded: Bool

    enum CodingKeys: String, CodingKey {
        case language, uploaded
        case textTrackUID = "text_track_uid"
        case documentUID = "document_uid"
    }
}

/// One item's line in every report (JSON, CSV, JUnit, Markdown are all rendered from this).
public struct ItemReport: Sendable, Hashable, Codable {
    public var id: String
    public var status: ItemOutcome
    public var mode: IngestMode
    /// The item's title in the manifest (none for simple mode or a `uid` item without one).
    public var title: String?
    /// The video file as the manifest gives it (relative to the manifest's folder).
    public var source: String
    public var assetUID: String?
    /// The asset existed before the item and `--on-existing adopt` took it.
    public var assetAdopted: Bool
    /// Per-stage state: `pending`, `in_progress`, `done`, `failed`, or `not_applicable`.
    public var stages: [String: String]
    public var textTracks: [TrackReport]
    public var bucket: String?
    public var key: String?
    public var etag: String?
    public var bytes: Int64?
    /// The failed stage, when `status` is `failed`.
    public var stage: Stage?
    public var message: String?
    public var errorCode: String?
    /// How to fix the failure, when the error had something useful to say.
    public var hint: String?
    /// The shard that owns the item (`I/N`) in a report merged over shards; nil otherwise.
    public var shard: String?
    /// The item's first work record (journal time, UTC ISO 8601 with milliseconds); nil before any.
    public var startedAt: String?
    /// Its last, once it succeeded or failed; nil while it is pending.
    public var endedAt: String?
    /// From `startedAt` to `endedAt` in milliseconds (across runs when it was resumed).
    public var durationMS: Int64?

    public init(id: String, status: ItemOutcome, mode: IngestMode, title: String? = nil, source: String = "",
                assetUID: String? = nil, assetAdopted: Bool = false, stages: [String: String] = [:],
                textTracks: [TrackReport] = [], bucket: String? = nil, key: String? = nil, etag: String? = nil,
                bytes: Int64? = nil, stage: Stage? = nil, message: String? = nil, errorCode: String? = nil,
                hint: String? = nil, shard: String? = nil, startedAt: String? = nil, endedAt: String? = nil,
                durationMS: Int64? = nil) {
        self.id = id
        self.status = status
        self.mode = mode
        self.title = title
        self.source = source
        self.assetUID = assetUID
        self.assetAdopted = assetAdopted
        self.stages = stages
        self.textTracks = textTracks
        self.bucket = bucket
        self.key = key
        self.etag = etag
        self.bytes = bytes
        self.stage = stage
        self.message = message
        self.errorCode = errorCode
        self.hint = hint
        self.shard = shard
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.durationMS = durationMS
    }

    enum CodingKeys: String, CodingKey {
        case id, status, mode, title, source, stages, bucket, key, etag, bytes, stage, message, hint, shard
        case assetUID = "asset_uid"
        case assetAdopted = "asset_adopted"
        case textTracks = "text_tracks"
        case errorCode = "error_code"
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case durationMS = "duration_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        // Explicit nulls: every item has every key, which spreadsheets and jq prefer.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(status, forKey: .status)
        try c.encode(mode, forKey: .mode)
        try c.encode(title, forKey: .title)
        try c.encode(source, forKey: .source)
        try c.encode(assetUID, forKey: .assetUID)
        try c.encode(assetAdopted, forKey: .assetAdopted)
        try c.encode(stages, forKey: .stages)
        try c.encode(textTracks, forKey: .textTracks)
        try c.encode(bucket, forKey: .bucket)
        try c.encode(key, forKey: .key)
        try c.encode(etag, forKey: .etag)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(stage, forKey: .stage)
        try c.encode(message, forKey: .message)
        try c.encode(errorCode, forKey: .errorCode)
        try c.encode(hint, forKey: .hint)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(endedAt, forKey: .endedAt)
        try c.encode(durationMS, forKey: .durationMS)
        // Only merged reports have shards: other reports stay byte-identical.
        if let shard { try c.encode(shard, forKey: .shard) }
    }
}

/// Item counts by status.
public struct ReportCounts: Sendable, Hashable, Codable {
    public var total = 0
    public var succeeded = 0
    public var failed = 0
    public var pending = 0
    public var skipped = 0

    public init() {}

    public mutating func add(_ outcome: ItemOutcome) {
        total += 1
        switch outcome {
        case .succeeded: succeeded += 1
        case .failed: failed += 1
        case .pending: pending += 1
        case .skipped: skipped += 1
        }
    }
}

/// What the items add up to: bytes uploaded, and the wall time from the first item's start to the last
/// item's end (journal times).
public struct ReportTotals: Sendable, Hashable, Codable {
    /// Video bytes recorded as uploaded.
    public var bytes: Int64 = 0
    public var startedAt: String?
    public var endedAt: String?
    /// From `startedAt` to `endedAt`, in milliseconds.
    public var durationMS: Int64?

    public init() {}

    /// Adds one item (its bytes; its times widen the span).
    public mutating func add(_ item: ItemReport) {
        bytes += item.bytes ?? 0
        // The timestamps have one fixed format, so text order is time order.
        if let start = item.startedAt, startedAt.map({ start < $0 }) ?? true { startedAt = start }
        if let end = item.endedAt, endedAt.map({ end > $0 }) ?? true { endedAt = end }
        if let start = startedAt.flatMap(JournalTime.milliseconds), let end = endedAt.flatMap(JournalTime.milliseconds) {
            durationMS = max(0, end - start)
        }
    }

    enum CodingKeys: String, CodingKey {
        case bytes
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case durationMS = "duration_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(endedAt, forKey: .endedAt)
        try c.encode(durationMS, forKey: .durationMS)
    }
}

/// The whole report: the single source for `report.json`, `report.csv`, `junit.xml` and `summary.md`.
public struct RunReport: Sendable, Hashable, Codable {
    public static let schemaVersion = 1

    public var schemaVersion: Int
    public var tool: String
    public var manifest: String
    public var checkpoint: String
    public var generatedAt: String
    /// The stages the run asked for (or, for `report`, those the checkpoint covers).
    public var stages: [Stage]
    /// Whether the run was interrupted (SIGINT/SIGTERM) before it finished.
    public var interrupted: Bool
    public var counts: ReportCounts
    /// Bytes and wall time over every item.
    public var totals: ReportTotals
    public var items: [ItemReport]

    enum CodingKeys: String, CodingKey {
        case tool, manifest, checkpoint, stages, interrupted, counts, totals, items
        case schemaVersion = "schema_version"
        case generatedAt = "generated_at"
    }
}

/// Builds a `RunReport` from the manifest and the replayed journal (pure).
public enum ReportBuilder {
    /// Inputs that are not in the manifest or the journal.
    public struct Context: Sendable {
        public var tool: String
        public var manifestPath: String
        public var checkpointPath: String
        public var generatedAt: String
        public var stages: [Stage]
        public var interrupted: Bool
        /// Item ids outside this run (other shards): reported as `skipped`.
        public var excluded: Set<String>

        public init(tool: String, manifestPath: String, checkpointPath: String, generatedAt: String,
                    stages: [Stage], interrupted: Bool = false, excluded: Set<String> = []) {
            self.tool = tool
            self.manifestPath = manifestPath
            self.checkpointPath = checkpointPath
            self.generatedAt = generatedAt
            self.stages = stages
            self.interrupted = interrupted
            self.excluded = excluded
        }
    }

    /// The report for `assets` (manifest order) as the journal `state` has them.
    /// `outcomes` (from a run) override the status computed from the checkpoint alone;
    /// `errors` carry failures that never reached the journal (e.g. drift refusals).
    /// (Holds every row: for large runs, render from a `ReportSource` row by row instead.)
    public static func build(assets: [ManifestAsset], state: JournalState, context: Context,
                             outcomes: ItemOutcomes = [:], errors: [String: IngestError] = [:]) -> RunReport {
        let source = ReportSource(assets: assets, state: state, context: context, outcomes: outcomes, errors: errors)
        var counts = ReportCounts()
        var totals = ReportTotals()
        var items: [ItemReport] = []
        items.reserveCapacity(assets.count)
        for index in 0..<source.count {
            let item = source.item(index)
            counts.add(item.status)
            totals.add(item)
            items.append(item)
        }
        var report = source.envelope(counts: counts, totals: totals)
        report.items = items
        return report
    }

    /// The report row of `asset` whose journal state is `item`.
    static func item(_ asset: ManifestAsset, state item: ItemState, through: Stage, context: Context,
                     outcome recorded: ItemOutcome?, error recordedError: IngestError?) -> ItemReport {
        var outcome: ItemOutcome
        if context.excluded.contains(asset.id) { outcome = .skipped }
        else if recordedError != nil { outcome = .failed }
        else { outcome = recorded ?? ItemMachine.outcome(of: item, mode: asset.mode, through: through) }
        var stages: [String: String] = [:]
        var failure: IngestError? = recordedError
        for stage in ItemMachine.workStages {
            guard ItemMachine.applies(stage, to: asset.mode) else {
                stages[stage.rawValue] = "not_applicable"
                continue
            }
            let stageState = item[stage]
            stages[stage.rawValue] = stageState.status.rawValue
            if stageState.status == .failed, failure == nil, let error = stageState.error {
                failure = error.attributed(item: asset.id, stage: stage)
            }
        }
        if outcome == .failed && failure == nil {
            failure = IngestError(code: .unknown, item: asset.id, message: "the item failed")
        }
        if outcome != .failed { failure = nil }
        let ended = outcome == .succeeded || outcome == .failed
        let startedAt = item.startedAt > 0 && outcome != .skipped ? item.startedAt : nil
        let endedAt = ended && startedAt != nil && item.endedAt > 0 ? item.endedAt : nil
        return ItemReport(
            id: asset.id, status: outcome, mode: asset.mode, title: asset.title, source: asset.video,
            assetUID: item.assetUID ?? asset.uid, assetAdopted: item.assetAdopted,
            stages: stages,
            textTracks: item.tracks.map { TrackReport(language: $0.language, textTrackUID: $0.textTrackUID,
                                                      documentUID: $0.documentUID, uploaded: $0.uploaded) },
            bucket: item.bucket, key: item.key ?? asset.effectiveKey, etag: item.etag, bytes: item.bytes,
            stage: failure?.stage, message: failure?.message, errorCode: failure?.code.rawValue, hint: failure?.hint,
            startedAt: startedAt.map(JournalTime.text), endedAt: endedAt.map(JournalTime.text),
            durationMS: endedAt.flatMap { end in startedAt.map { end - $0 } })
    }
}

/// What a report is rendered from, one row at a time: the manifest's items and a way to read each
/// item's journal state. A 100,000-item report rendered from this never holds all its rows (a
/// `RunReport` of them took over 100 MB, and encoding it as one JSON value five times that).
public struct ReportSource: Sendable {
    /// Where item states come from: one journal, or the journal of the shard that owns each item.
    private enum States: Sendable {
        /// One journal; `shards` names an item's shard (`I/N`) when given.
        case one(JournalState, shards: [String: String])
        /// A migration run as shards: each row carries its owner's label.
        case sharded(ShardStates)
    }

    public let assets: [ManifestAsset]
    public let context: ReportBuilder.Context
    private let states: States
    private let outcomes: ItemOutcomes
    private let errors: [String: IngestError]
    private let through: Stage

    /// Rows from a replayed journal `state` (a copy: a running checkpoint's `snapshot` stays as it
    /// was while the report is written, so its counts and rows agree).
    public init(assets: [ManifestAsset], state: JournalState, context: ReportBuilder.Context,
                outcomes: ItemOutcomes = [:], errors: [String: IngestError] = [:],
                shards: [String: String] = [:]) {
        self.init(assets: assets, states: .one(state, shards: shards), context: context, outcomes: outcomes, errors: errors)
    }

    /// Rows of a whole migration run as shards: each item as the journal of its shard has it, with the
    /// shard's `I/N` (the states are shared, not copied).
    public init(assets: [ManifestAsset], shards: ShardStates, context: ReportBuilder.Context) {
        self.init(assets: assets, states: .sharded(shards), context: context, outcomes: [:], errors: [:])
    }

    private init(assets: [ManifestAsset], states: States, context: ReportBuilder.Context,
                 outcomes: ItemOutcomes, errors: [String: IngestError]) {
        self.assets = assets
        self.states = states
        self.context = context
        self.outcomes = outcomes
        self.errors = errors
        through = context.stages.filter { $0 != .validate }.max() ?? .transfer
    }

    /// Number of rows.
    public var count: Int { assets.count }

    /// Row `index` (manifest order).
    public func item(_ index: Int) -> ItemReport {
        let asset = assets[index]
        let state: ItemState, shard: String?
        switch states {
        case .one(let journal, let shards):
            state = journal.item(asset.id)
            shard = shards[asset.id]
        case .sharded(let shards):
            let slot = shards.slots[shards.owner(of: asset.id)]
            state = slot.state.item(asset.id)
            shard = slot.label
        }
        var report = ReportBuilder.item(asset, state: state, through: through, context: context,
                                        outcome: outcomes[asset.id], error: errors[asset.id])
        report.shard = shard
        return report
    }

    /// The report without rows, with `counts` and `totals`.
    public func envelope(counts: ReportCounts, totals: ReportTotals = ReportTotals()) -> RunReport {
        RunReport(schemaVersion: RunReport.schemaVersion, tool: context.tool, manifest: context.manifestPath,
                  checkpoint: context.checkpointPath, generatedAt: context.generatedAt, stages: context.stages,
                  interrupted: context.interrupted, counts: counts, totals: totals, items: [])
    }
}
