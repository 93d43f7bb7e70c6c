/// Where one stage of one item stands, as replayed from the journal.
public enum StageStatus: String, Sendable, Hashable, Codable {
    /// Nothing recorded yet.
    case pending
    /// Started (an intent or a partial result is recorded) but not finished.
    case inProgress = "in_progress"
    case done
    case failed
}

/// The replayed state of one stage of one item.
public struct StageState: Sendable, Hashable {
    /// Operations with an intent and no result: reconcile them before doing anything again.
    public var openIntents: [String] {
        get { detail.value.openIntents }
        set { detail.value.openIntents = newValue }
    }
    /// The last failure (kept until the stage starts again).
    public var error: IngestError? {
        get { detail.value.error }
        set { detail.value.error = newValue }
    }
    /// Open intents and the last error: both are rare in a large run's finished items.
    private var detail = Sparse<StageDetail>()
    public var status: StageStatus = .pending

    public init() {}

    /// Whether anything at all was recorded for this stage.
    public var isUntouched: Bool { status == .pending && detail.isEmpty }
}

/// A stage's open intents and last error.
private struct StageDetail: SparseValue {
    var openIntents: [String] = []
    var error: IngestError?
    static let empty = StageDetail()
}

/// One subtitle's remote objects: text track, document, and whether the file was uploaded.
public struct TrackState: Sendable, Hashable {
    public var language: String
    public var textTrackUID: String? {
        get { packedTextTrackUID?.text }
        set { packedTextTrackUID = newValue.map(PackedString.init) }
    }
    public var textTrackURL: String? {
        get { packedTextTrackURL?.text }
        set { packedTextTrackURL = newValue.map(PackedString.init) }
    }
    public var documentUID: String? {
        get { packedDocumentUID?.text }
        set { packedDocumentUID = newValue.map(PackedString.init) }
    }
    public var documentURL: String? {
        get { packedDocumentURL?.text }
        set { packedDocumentURL = newValue.map(PackedString.init) }
    }
    public var uploadURL: String? {
        get { pending.value.uploadURL }
        set { pending.value.uploadURL = newValue }
    }
    /// The asset's `text_track_urls` when the `text_track:<lang>` intent was recorded (nil: none
    /// recorded): reconcile adopts no track among them. Kept until the text track is recorded.
    public var existingTextTrackURLs: [String]? {
        get { pending.value.existingTextTracks }
        set { pending.value.existingTextTracks = newValue }
    }
    // Uids and their API paths packed: a 100,000-item state holds hundreds of thousands of them.
    var packedTextTrackUID: PackedString?
    var packedTextTrackURL: PackedString?
    var packedDocumentUID: PackedString?
    public var uploaded = false
    /// The document's URLs until its file is uploaded (no stage needs them afterwards, and nearly
    /// every track of a large finished run is uploaded), and the asset's earlier tracks until the
    /// text track is recorded.
    private var pending = Sparse<PendingDocument>()
    var packedDocumentURL: PackedString? {
        get { pending.value.documentURL }
        set { pending.value.documentURL = newValue }
    }

    public init(language: String) { self.language = language }
}

/// A document's URLs before its upload; the asset's earlier tracks before the text track is recorded.
private struct PendingDocument: SparseValue {
    var documentURL: PackedString?
    var uploadURL: String?
    var existingTextTracks: [String]?
    static let empty = PendingDocument()
}

/// Everything the journal knows about one item: per-stage status and the results the next stages need.
public struct ItemState: Sendable, Hashable {
    public var id: String
    /// Fingerprint of the item's definition when it was planned (see `ItemDefinition`).
    public var definition: String? {
        get { packedDefinition?.text }
        set { packedDefinition = newValue.map(PackedString.init) }
    }
    /// Per-field fingerprints, `name=hash` joined by commas, to name what drifted.
    public var definitionFields: String? {
        get { packedDefinitionFields?.text }
        set { packedDefinitionFields = newValue.map(PackedFieldHashes.init) }
    }
    public var assetUID: String? {
        get { packedAssetUID?.text }
        set { packedAssetUID = newValue.map(PackedString.init) }
    }
    public var assetURL: String? {
        get { packedAssetURL?.text }
        set { packedAssetURL = newValue.map(PackedString.init) }
    }
    // Stored properties are laid out in the order they are declared: the 8-byte-aligned ones come
    // first and the odd-sized ones last, so a 100,000-item table carries little padding.
    public var tracks: [TrackState] = []
    public var bucket: String?
    public var key: String?
    public var etag: String?
    /// The multipart uploader's resumable state, opaque here: the state last recorded whole
    /// (`upload_state`) with the parts recorded after it (`upload_part`) folded into its `completedParts`.
    /// Setting it replaces both.
    public var uploadState: JSONValue? {
        get { upload.value.folded }
        set { upload.value = UploadDetail(state: newValue) }
    }
    /// The upload in progress, boxed: a large run's finished items have none.
    private var upload = Sparse<UploadDetail>()
    // The fingerprint, the asset's uid and its path packed (see `PackedString`).
    var packedDefinition: PackedString?
    var packedAssetUID: PackedString?
    var packedAssetURL: PackedString?
    var packedDefinitionFields: PackedFieldHashes?
    public var assets = StageState()
    public var documents = StageState()
    public var transfer = StageState()
    public var confirm = StageState()
    public var bytes: Int64?
    public var ovpCount: Int?
    public var processed = false

    public init(id: String) { self.id = id }

    /// The state of `stage` (validate has none: it is redone every run).
    public subscript(stage: Stage) -> StageState {
        get {
            switch stage {
            case .validate: return StageState()
            case .assets: return assets
            case .documents: return documents
            case .transfer: return transfer
            case .confirm: return confirm
            }
        }
        set {
            switch stage {
            case .validate: break
            case .assets: assets = newValue
            case .documents: documents = newValue
            case .transfer: transfer = newValue
            case .confirm: confirm = newValue
            }
        }
    }

    /// The track for `language`, if any was recorded.
    public func track(_ language: String) -> TrackState? { tracks.first { $0.language == language } }

    /// Whether any external effect may exist for this item (an intent or a result was recorded).
    public var hasEffects: Bool {
        [Stage.assets, .documents, .transfer, .confirm].contains { stage in
            let s = self[stage]
            return s.status == .done || s.status == .inProgress || !s.openIntents.isEmpty
        }
    }

    // MARK: Replay

    /// Applies one journal entry (the entry's item must be this item).
    public mutating func apply(_ entry: JournalEntry) {
        if entry.stage == .validate {
            if entry.event == .summary { applyItemSummary(entry.data) } else { applyDefinition(entry) }
            return
        }
        var stage = self[entry.stage]
        switch entry.event {
        case .intent:
            if let op = entry.op, !stage.openIntents.contains(op) { stage.openIntents.append(op) }
            if stage.status != .done { stage.status = .inProgress }
            stage.error = nil
        case .done:
            if let op = entry.op {
                stage.openIntents.removeAll { $0 == op }
                if stage.status != .done { stage.status = .inProgress }
            } else {
                stage.status = .done
                stage.openIntents = []
                stage.error = nil
            }
        case .failed:
            stage.status = .failed
            stage.error = Self.error(from: entry.data["error"], item: id, stage: entry.stage)
        case .summary:
            stage = StageState()
            stage.status = entry.data["status"]?.stringValue.flatMap(StageStatus.init(rawValue:)) ?? .pending
            if case .array(let ops)? = entry.data["open_intents"] { stage.openIntents = ops.compactMap(\.stringValue) }
            stage.error = Self.error(from: entry.data["error"], item: id, stage: entry.stage)
            resetResults(of: entry.stage)
        }
        self[entry.stage] = stage
        applyResults(entry.data)
    }

    private mutating func applyDefinition(_ entry: JournalEntry) {
        guard let newDefinition = entry.data["definition"]?.stringValue else { return }
        if let old = definition, old != newDefinition {
            // Re-planned after drift: the planner only writes this when nothing was created, so
            // whatever was recorded (failures) belongs to the old definition.
            let keepID = id
            self = ItemState(id: keepID)
        }
        definition = newDefinition
        definitionFields = entry.data["fields"]?.stringValue
    }

    /// Replaces the whole state with an item summary (format 2 compaction output).
    private mutating func applyItemSummary(_ data: [String: JSONValue]) {
        self = ItemState(id: id)
        definition = data["definition"]?.stringValue
        definitionFields = data["fields"]?.stringValue
        for stage in Self.workStages {
            let name = stage.rawValue
            var state = StageState()
            state.status = data[name]?.stringValue.flatMap(StageStatus.init(rawValue:)) ?? .pending
            if case .array(let ops)? = data[name + "_intents"] { state.openIntents = ops.compactMap(\.stringValue) }
            state.error = Self.error(from: data[name + "_error"], item: id, stage: stage)
            self[stage] = state
        }
        applyResults(data)
    }

    private mutating func resetResults(of stage: Stage) {
        switch stage {
        case .validate: break
        case .assets: assetUID = nil; assetURL = nil
        case .documents: tracks = []
        case .transfer: bucket = nil; key = nil; etag = nil; bytes = nil; uploadState = nil
        case .confirm: processed = false; ovpCount = nil
        }
    }

    mutating func applyResults(_ data: [String: JSONValue]) {
        if data.isEmpty { return }
        if let v = data["asset_uid"]?.stringValue { assetUID = v }
        if let v = data["asset_url"]?.stringValue { assetURL = v }
        if let v = data["bucket"]?.stringValue { bucket = v }
        if let v = data["key"]?.stringValue { key = v }
        if let v = data["etag"]?.stringValue { etag = v }
        if let v = data["bytes"]?.int64Value { bytes = v }
        if let v = data["upload_state"] { uploadState = v == .null ? nil : v }
        if case .object(let part)? = data["part"], let number = part["number"]?.int64Value,
           let etag = part["etag"]?.stringValue {
            recordUploadPart(number: Int(number), etag: etag)
        }
        if let v = data["processed"]?.boolValue { processed = v }
        if let v = data["ovps"]?.int64Value { ovpCount = Int(v) }
        if let language = data["language"]?.stringValue { applyTrack(language: language, data) }
        if case .array(let list)? = data["tracks"] {
            for case .object(let fields) in list {
                if let language = fields["language"]?.stringValue { applyTrack(language: language, fields) }
            }
        }
    }

    /// Adds one finished part to the upload in progress (ignored when none is: its upload was cleared).
    /// The list grows in place, so an upload of n parts costs O(n) to replay, not O(n²).
    mutating func recordUploadPart(number: Int, etag: String) {
        guard !upload.isEmpty else { return }
        upload.modify { $0.parts.append(UploadedPart(number: number, etag: etag)) }
    }

    private mutating func applyTrack(language: String, _ data: [String: JSONValue]) {
        applyTrack(language: language, textTrackUID: data["text_track_uid"]?.stringValue,
                   textTrackURL: data["text_track_url"]?.stringValue, documentUID: data["document_uid"]?.stringValue,
                   documentURL: data["document_url"]?.stringValue, uploadURL: data["upload_url"]?.stringValue,
                   uploaded: data["uploaded"]?.boolValue,
                   existingTextTracks: Self.strings(data["existing_text_tracks"]))
    }

    /// The strings of a JSON array (nil when `value` is not an array).
    static func strings(_ value: JSONValue?) -> [String]? {
        guard case .array(let list)? = value else { return nil }
        return list.compactMap(\.stringValue)
    }

    /// Merges the packed fields of `new` (and `uploaded` when given) into the track for its language.
    mutating func mergeTrack(_ new: TrackState, uploaded: Bool?) {
        let index = tracks.firstIndex { $0.language == new.language }
        var track = index.map { tracks[$0] } ?? TrackState(language: new.language)
        if let v = new.packedTextTrackUID { track.packedTextTrackUID = v }
        if let v = new.packedTextTrackURL { track.packedTextTrackURL = v }
        if let v = new.packedDocumentUID { track.packedDocumentUID = v }
        if let v = new.packedDocumentURL { track.packedDocumentURL = v }
        if let v = new.uploadURL { track.uploadURL = v }
        if let v = new.existingTextTrackURLs { track.existingTextTrackURLs = v }
        if let uploaded { track.uploaded = uploaded }
        if track.packedTextTrackUID != nil { track.existingTextTrackURLs = nil }
        if track.uploaded {
            track.packedDocumentURL = nil
            track.uploadURL = nil
        }
        if let index { tracks[index] = track } else { tracks.append(track) }
    }

    /// Merges the given fields into the track for `language` (created when missing).
    mutating func applyTrack(language: String, textTrackUID: String?, textTrackURL: String?, documentUID: String?,
                             documentURL: String?, uploadURL: String?, uploaded: Bool?,
                             existingTextTracks: [String]? = nil) {
        var track: TrackState
        let index = tracks.firstIndex { $0.language == language }
        if let index { track = tracks[index] } else { track = TrackState(language: language) }
        if let v = textTrackUID { track.textTrackUID = v }
        if let v = textTrackURL { track.textTrackURL = v }
        if let v = documentUID { track.documentUID = v }
        if let v = documentURL { track.documentURL = v }
        if let v = uploadURL { track.uploadURL = v }
        if let v = uploaded { track.uploaded = v }
        if let v = existingTextTracks { track.existingTextTrackURLs = v }
        // Once the text track is recorded, the asset's earlier tracks are no longer needed.
        if track.textTrackUID != nil { track.existingTextTrackURLs = nil }
        if track.uploaded {
            // Once uploaded, no stage needs the document's URLs again (compaction drops them too).
            track.documentURL = nil
            track.uploadURL = nil
        }
        if let index { tracks[index] = track } else { tracks.append(track) }
    }

    static func error(from value: JSONValue?, item: String, stage: Stage) -> IngestError? {
        guard case .object(let fields)? = value else { return nil }
        return IngestError(code: fields["code"]?.stringValue.map(ErrorCode.init(rawValue:)) ?? .unknown,
                           item: item, stage: stage, message: fields["message"]?.stringValue ?? "",
                           hint: fields["hint"]?.stringValue, retryable: fields["retryable"]?.boolValue ?? false)
    }

    // MARK: Compaction

    /// The work stages, whose states the journal keeps.
    static let workStages: [Stage] = [.assets, .documents, .transfer, .confirm]

    /// The journal entries that replay to this item's current state: one item summary.
    public func summaryEntries() -> [JournalEntry] { [summaryEntry()] }

    /// One `summary` record at stage `validate` holding the whole item: definition, each touched
    /// stage's status (`assets`: "done"), open intents (`assets_intents`), error (`assets_error`),
    /// and every result. It replaces everything recorded before it for the item (format 2).
    public func summaryEntry() -> JournalEntry {
        var data: [String: JSONValue] = [:]
        if let definition { data["definition"] = .string(definition) }
        if let definitionFields { data["fields"] = .string(definitionFields) }
        for stage in Self.workStages {
            let state = self[stage]
            let name = stage.rawValue
            if state.status != .pending { data[name] = .string(state.status.rawValue) }
            if !state.openIntents.isEmpty { data[name + "_intents"] = .array(state.openIntents.map { .string($0) }) }
            if let error = state.error { data[name + "_error"] = Self.errorData(error) }
            data.merge(resultData(for: stage)) { _, new in new }
        }
        return JournalEntry(item: id, stage: .validate, event: .summary, data: data)
    }

    /// The `data.error` object recorded for `error` (code, message, hint when there is one, retryable;
    /// never secrets). Records written before hints were kept have none: they read back without.
    public static func errorData(_ error: IngestError) -> JSONValue {
        var fields: [String: JSONValue] = ["code": .string(error.code.rawValue), "message": .string(error.message),
                                           "retryable": .bool(error.retryable)]
        if let hint = error.hint { fields["hint"] = .string(hint) }
        return .object(fields)
    }

    private func resultData(for stage: Stage) -> [String: JSONValue] {
        var data: [String: JSONValue] = [:]
        switch stage {
        case .validate: break
        case .assets:
            if let assetUID { data["asset_uid"] = .string(assetUID) }
            if let assetURL { data["asset_url"] = .string(assetURL) }
        case .documents:
            if !tracks.isEmpty {
                data["tracks"] = .array(tracks.map { track in
                    var fields: [String: JSONValue] = ["language": .string(track.language)]
                    if let v = track.textTrackUID { fields["text_track_uid"] = .string(v) }
                    if let v = track.textTrackURL { fields["text_track_url"] = .string(v) }
                    if let v = track.documentUID { fields["document_uid"] = .string(v) }
                    if let v = track.existingTextTrackURLs { fields["existing_text_tracks"] = .array(v.map { .string($0) }) }
                    // Once uploaded, the document's URLs are no longer needed by any stage.
                    if !track.uploaded {
                        if let v = track.documentURL { fields["document_url"] = .string(v) }
                        if let v = track.uploadURL { fields["upload_url"] = .string(v) }
                    } else {
                        fields["uploaded"] = .bool(true)
                    }
                    return .object(fields)
                })
            }
        case .transfer:
            if let bucket { data["bucket"] = .string(bucket) }
            if let key { data["key"] = .string(key) }
            if let etag { data["etag"] = .string(etag) }
            if let bytes { data["bytes"] = .number(Double(bytes)) }
            if let uploadState { data["upload_state"] = uploadState }
        case .confirm:
            if processed { data["processed"] = .bool(true) }
            if let ovpCount { data["ovps"] = .number(Double(ovpCount)) }
        }
        return data
    }
}
