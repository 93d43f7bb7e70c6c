/// The members of a journal entry's `data` (and of the objects nested in it), each spelled here once.
///
/// `JournalData` reads and writes them; `ItemSummaryDecoder` matches them while it parses a summary line.
enum JournalKey: String {
    // validate: the item's definition.
    case definition
    case fields
    // assets: the create intent, a create that made nothing, the asset.
    case slug
    case created
    case slugHolder = "slug_holder"
    case assetUID = "asset_uid"
    case assetURL = "asset_url"
    case adopted
    // documents: one subtitle's text track, document and file, at the top level or in `tracks`.
    case language
    case textTrackUID = "text_track_uid"
    case textTrackURL = "text_track_url"
    case documentUID = "document_uid"
    case documentURL = "document_url"
    case uploadURL = "upload_url"
    case uploaded
    case existingTextTracks = "existing_text_tracks"
    case tracks
    // transfer: the object, and the multipart upload in progress (`part` holds `number` and `etag`).
    case bucket
    case key
    case etag
    case bytes
    case uploadState = "upload_state"
    case part
    case number
    // confirm.
    case processed
    case ovps
    // A failure: `error` holds `code`, `message`, `hint` when there is one, and `retryable`.
    case error
    case code
    case message
    case hint
    case retryable
    // Compaction: the item's first and last record; a stage summary's status and open intents (format 1).
    case startedAt = "started_at"
    case endedAt = "ended_at"
    case status
    case openIntents = "open_intents"
}

/// The members an item summary (format 2) keeps per work stage: `assets` (its status), `assets_intents`,
/// `assets_error`.
enum StageKey: CaseIterable {
    case status
    case intents
    case error

    /// The member's name for `stage`.
    func name(_ stage: Stage) -> String { stage.rawValue + suffix }

    /// The work stage and member a name stands for, nil when it is none of them.
    static func parse(_ name: String) -> (Stage, StageKey)? {
        for stage in ItemState.workStages where name.hasPrefix(stage.rawValue) {
            let rest = name.utf8.dropFirst(stage.rawValue.utf8.count)
            for key in allCases where rest.elementsEqual(key.suffix.utf8) { return (stage, key) }
        }
        return nil
    }

    private var suffix: String {
        switch self {
        case .status: return ""
        case .intents: return "_intents"
        case .error: return "_error"
        }
    }
}
