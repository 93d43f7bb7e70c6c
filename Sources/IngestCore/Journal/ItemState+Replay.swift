extension ItemState {
    // MARK: Replay

    /// Applies one journal entry (the entry's item must be this item).
    public mutating func apply(_ entry: JournalEntry) {
        if entry.stage == .validate {
            if entry.event == .summary { applyItemSummary(entry.data) } else { applyDefinition(entry) }
            return
        }
        if entry.event != .summary {
            noteTime(entry.atMilliseconds != 0 ? entry.atMilliseconds : JournalTime.milliseconds(entry.at) ?? 0)
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

    /// Widens the item's first-to-last record span to `milliseconds` (0 = unknown, ignored).
    mutating func noteTime(_ milliseconds: Int64) {
        guard milliseconds > 0 else { return }
        if startedAt == 0 || milliseconds < startedAt { startedAt = milliseconds }
        if milliseconds > endedAt { endedAt = milliseconds }
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
        case .assets: assetUID = nil; assetURL = nil; assetAdopted = false
        case .documents: tracks = []
        case .transfer: bucket = nil; key = nil; etag = nil; bytes = nil; uploadState = nil
        case .confirm: processed = false; ovpCount = nil
        }
    }

    mutating func applyResults(_ data: [String: JSONValue]) {
        if data.isEmpty { return }
        if let v = data["asset_uid"]?.stringValue { assetUID = v }
        if let v = data["asset_url"]?.stringValue { assetURL = v }
        if let v = data["adopted"]?.boolValue { assetAdopted = v }
        if let v = data["started_at"]?.stringValue, let ms = JournalTime.milliseconds(v) { noteTime(ms) }
        if let v = data["ended_at"]?.stringValue, let ms = JournalTime.milliseconds(v) { noteTime(ms) }
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
}
