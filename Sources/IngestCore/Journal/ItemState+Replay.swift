extension ItemState {
    // MARK: Replay

    /// Applies one journal entry (the entry's item must be this item).
    public mutating func apply(_ entry: JournalEntry) {
        let data = JournalData(entry.data)
        if entry.stage == .validate {
            if entry.event == .summary { applyItemSummary(data) } else { applyDefinition(data) }
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
            stage.error = attributed(data.error, stage: entry.stage)
        case .summary:
            stage = StageState()
            stage.status = data.status ?? .pending
            if let ops = data.openIntents { stage.openIntents = ops }
            stage.error = attributed(data.error, stage: entry.stage)
            resetResults(of: entry.stage)
        }
        self[entry.stage] = stage
        applyResults(data)
    }

    /// Widens the item's first-to-last record span to `milliseconds` (0 = unknown, ignored).
    mutating func noteTime(_ milliseconds: Int64) {
        guard milliseconds > 0 else { return }
        if startedAt == 0 || milliseconds < startedAt { startedAt = milliseconds }
        if milliseconds > endedAt { endedAt = milliseconds }
    }

    private mutating func applyDefinition(_ data: JournalData) {
        guard let newDefinition = data.definition else { return }
        if let old = definition, old != newDefinition {
            // Re-planned after drift: the planner only writes this when nothing was created, so
            // whatever was recorded (failures) belongs to the old definition.
            let keepID = id
            self = ItemState(id: keepID)
        }
        definition = newDefinition
        definitionFields = data.fields
    }

    /// Replaces the whole state with an item summary (format 2 compaction output).
    private mutating func applyItemSummary(_ data: JournalData) {
        self = ItemState(id: id)
        definition = data.definition
        definitionFields = data.fields
        for stage in Self.workStages {
            var state = StageState()
            state.status = data.stages[stage]?.status ?? .pending
            self[stage] = state
            applyStageDetail(data, to: stage)
        }
        applyResults(data)
    }

    /// Sets the open intents and the error an item summary records for `stage` (not its status).
    mutating func applyStageDetail(_ data: JournalData, to stage: Stage) {
        guard let recorded = data.stages[stage] else { return }
        if let ops = recorded.intents { self[stage].openIntents = ops }
        self[stage].error = attributed(recorded.error, stage: stage)
    }

    /// `error` (as recorded: without item and stage) attributed to this item at `stage`.
    func attributed(_ error: IngestError?, stage: Stage) -> IngestError? {
        error?.attributed(item: id, stage: stage)
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

    mutating func applyResults(_ data: JournalData) {
        if let v = data.assetUID { assetUID = v }
        if let v = data.assetURL { assetURL = v }
        if let v = data.adopted { assetAdopted = v }
        if let v = data.startedAt { noteTime(v) }
        if let v = data.endedAt { noteTime(v) }
        if let v = data.bucket { bucket = v }
        if let v = data.key { key = v }
        if let v = data.etag { etag = v }
        if let v = data.bytes { bytes = v }
        if let v = data.uploadState { uploadState = v == .null ? nil : v }
        if let part = data.part { recordUploadPart(number: part.number, etag: part.etag) }
        if let v = data.processed { processed = v }
        if let v = data.ovps { ovpCount = Int(v) }
        if let track = data.track { applyTrack(track) }
        for track in data.tracks ?? [] { applyTrack(track) }
    }

    /// Adds one finished part to the upload in progress (ignored when none is: its upload was cleared).
    /// The list grows in place, so an upload of n parts costs O(n) to replay, not O(n²).
    mutating func recordUploadPart(number: Int, etag: String) {
        guard !upload.isEmpty else { return }
        upload.modify { $0.parts.append(UploadedPart(number: number, etag: etag)) }
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
        // Once the text track is recorded, the asset's earlier tracks are no longer needed.
        if track.packedTextTrackUID != nil { track.existingTextTrackURLs = nil }
        if track.uploaded {
            // Once uploaded, no stage needs the document's URLs again (compaction drops them too).
            track.packedDocumentURL = nil
            track.uploadURL = nil
        }
        if let index { tracks[index] = track } else { tracks.append(track) }
    }

    /// Merges the recorded fields of `recorded` into the track for its language (created when missing).
    private mutating func applyTrack(_ recorded: TrackData) {
        var new = TrackState(language: recorded.language)
        new.textTrackUID = recorded.textTrackUID
        new.textTrackURL = recorded.textTrackURL
        new.documentUID = recorded.documentUID
        new.documentURL = recorded.documentURL
        new.uploadURL = recorded.uploadURL
        new.existingTextTrackURLs = recorded.existingTextTracks
        mergeTrack(new, uploaded: recorded.uploaded)
    }
}
