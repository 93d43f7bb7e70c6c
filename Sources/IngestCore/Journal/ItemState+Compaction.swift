extension ItemState {
    // MARK: Compaction

    /// The work stages, whose states the journal keeps.
    static let workStages: [Stage] = [.assets, .documents, .transfer, .confirm]

    /// The journal entries that replay to this item's current state: one item summary.
    public func summaryEntries() -> [JournalEntry] { [summaryEntry()] }

    /// One `summary` record at stage `validate` holding the whole item: definition, each touched
    /// stage's status (`assets`: "done"), open intents (`assets_intents`), error (`assets_error`),
    /// and every result. It replaces everything recorded before it for the item (format 2).
    public func summaryEntry() -> JournalEntry {
        var data = JournalData()
        data.definition = definition
        data.fields = definitionFields
        if startedAt > 0 { data.startedAt = startedAt }
        if endedAt > 0 { data.endedAt = endedAt }
        for stage in Self.workStages {
            let state = self[stage]
            var recorded = StageData()
            if state.status != .pending { recorded.status = state.status }
            if !state.openIntents.isEmpty { recorded.intents = state.openIntents }
            recorded.error = state.error
            if recorded != StageData() { data.stages[stage] = recorded }
        }
        data.assetUID = assetUID
        data.assetURL = assetURL
        if assetAdopted { data.adopted = true }
        if !tracks.isEmpty { data.tracks = tracks.map(Self.summary) }
        data.bucket = bucket
        data.key = key
        data.etag = etag
        data.bytes = bytes
        data.uploadState = uploadState
        if processed { data.processed = true }
        data.ovps = ovpCount.map(Int64.init)
        return JournalEntry(item: id, stage: .validate, event: .summary, data: data.members)
    }

    /// The `data.error` object recorded for `error` (code, message, hint when there is one, retryable;
    /// never secrets). Records written before hints were kept have none: they read back without.
    public static func errorData(_ error: IngestError) -> JSONValue { JournalData.member(error) }

    /// What an item summary keeps of `track`: once uploaded, the document's URLs are no longer needed
    /// by any stage.
    private static func summary(_ track: TrackState) -> TrackData {
        TrackData(language: track.language, textTrackUID: track.textTrackUID, textTrackURL: track.textTrackURL,
                  documentUID: track.documentUID, documentURL: track.uploaded ? nil : track.documentURL,
                  uploadURL: track.uploaded ? nil : track.uploadURL, uploaded: track.uploaded ? true : nil,
                  existingTextTracks: track.existingTextTrackURLs)
    }
}
