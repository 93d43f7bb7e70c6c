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
        var data: [String: JSONValue] = [:]
        if let definition { data["definition"] = .string(definition) }
        if let definitionFields { data["fields"] = .string(definitionFields) }
        if startedAt > 0 { data["started_at"] = .string(JournalTime.text(startedAt)) }
        if endedAt > 0 { data["ended_at"] = .string(JournalTime.text(endedAt)) }
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
            if assetAdopted { data["adopted"] = .bool(true) }
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
