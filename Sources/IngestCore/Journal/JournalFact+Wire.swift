extension JournalFact {
    // MARK: Wire form

    /// The journal entry that records this fact for `item`.
    public func entry(item: String) -> JournalEntry {
        let (stage, event, op, data) = wire
        return JournalEntry(item: item, stage: stage, event: event, op: op?.name, data: data.members)
    }

    /// The stage, event, op and data members of each kind: the table `init?(_:)` reads back.
    private var wire: (Stage, JournalEvent, JournalOp?, JournalData) {
        var data = JournalData()
        switch self {
        case .planned(let definition, let fields):
            data.definition = definition
            data.fields = fields
            return (.validate, .done, nil, data)
        case .assetIntent(let slug):
            data.slug = slug
            return (.assets, .intent, .create, data)
        case .assetNotCreated(let slugHolder):
            data.created = false
            data.slugHolder = slugHolder
            return (.assets, .done, .create, data)
        case .asset(let uid, let url, let adopted):
            data.assetUID = uid
            data.assetURL = url
            if adopted { data.adopted = true }
            return (.assets, .done, nil, data)
        case .textTrackIntent(let language, let existing):
            data.track = TrackData(language: language, existingTextTracks: existing.isEmpty ? nil : existing)
            return (.documents, .intent, .textTrack(language: language), data)
        case .textTrack(let language, let uid, let url):
            data.track = TrackData(language: language, textTrackUID: uid, textTrackURL: url)
            return (.documents, .done, .textTrack(language: language), data)
        case .documentIntent(let language):
            data.track = TrackData(language: language)
            return (.documents, .intent, .document(language: language), data)
        case .document(let language, let uid, let url, let uploadURL, let uploaded):
            data.track = TrackData(language: language, documentUID: uid, documentURL: url, uploadURL: uploadURL,
                                   uploaded: uploaded)
            return (.documents, .done, .document(language: language), data)
        case .fileUploadIntent(let language):
            data.track = TrackData(language: language)
            return (.documents, .intent, .fileUpload(language: language), data)
        case .fileUploaded(let language):
            data.track = TrackData(language: language, uploaded: true)
            return (.documents, .done, .fileUpload(language: language), data)
        case .documentsDone:
            return (.documents, .done, nil, data)
        case .uploadIntent(let bucket, let key, let bytes):
            data.bucket = bucket
            data.key = key
            data.bytes = bytes
            return (.transfer, .intent, .upload, data)
        case .uploadState(let state):
            data.uploadState = state
            return (.transfer, .done, .uploadState, data)
        case .uploadPart(let number, let etag):
            data.part = UploadedPart(number: number, etag: etag)
            return (.transfer, .done, .uploadPart, data)
        case .transferred(let bucket, let key, let etag, let bytes):
            data.bucket = bucket
            data.key = key
            data.etag = etag
            data.bytes = bytes
            data.uploadState = .null
            return (.transfer, .done, nil, data)
        case .confirmed(let ovps, let assetUID, let assetURL):
            data.processed = true
            data.ovps = Int64(ovps)
            data.assetUID = assetUID
            data.assetURL = assetURL
            return (.confirm, .done, nil, data)
        case .failed(let stage, let error):
            data.error = error
            return (stage, .failed, nil, data)
        }
    }

    /// The fact `entry` records; nil when it records none (a summary, an unknown op, a member missing).
    /// A failure's error is attributed to the entry's item and stage.
    public init?(_ entry: JournalEntry) {
        var op: JournalOp?
        if let name = entry.op {
            guard let parsed = JournalOp(name: name) else { return nil }
            op = parsed
        }
        let data = JournalData(entry.data)
        let track = data.track
        switch (entry.stage, entry.event, op) {
        case (.validate, .done, nil):
            guard let definition = data.definition, let fields = data.fields else { return nil }
            self = .planned(definition: definition, fields: fields)
        case (.assets, .intent, .create?):
            guard let slug = data.slug else { return nil }
            self = .assetIntent(slug: slug)
        case (.assets, .done, .create?):
            guard data.created == false, let slugHolder = data.slugHolder else { return nil }
            self = .assetNotCreated(slugHolder: slugHolder)
        case (.assets, .done, nil):
            guard let uid = data.assetUID, let url = data.assetURL else { return nil }
            self = .asset(uid: uid, url: url, adopted: data.adopted ?? false)
        case (.documents, .intent, .textTrack(let language)?):
            guard track?.language == language else { return nil }
            self = .textTrackIntent(language: language, existingTextTracks: track?.existingTextTracks ?? [])
        case (.documents, .done, .textTrack(let language)?):
            guard let track, track.language == language, let uid = track.textTrackUID,
                  let url = track.textTrackURL else { return nil }
            self = .textTrack(language: language, uid: uid, url: url)
        case (.documents, .intent, .document(let language)?):
            guard track?.language == language else { return nil }
            self = .documentIntent(language: language)
        case (.documents, .done, .document(let language)?):
            guard let track, track.language == language, let uid = track.documentUID, let url = track.documentURL,
                  let uploadURL = track.uploadURL, let uploaded = track.uploaded else { return nil }
            self = .document(language: language, uid: uid, url: url, uploadURL: uploadURL, uploaded: uploaded)
        case (.documents, .intent, .fileUpload(let language)?):
            guard track?.language == language else { return nil }
            self = .fileUploadIntent(language: language)
        case (.documents, .done, .fileUpload(let language)?):
            guard track?.language == language, track?.uploaded == true else { return nil }
            self = .fileUploaded(language: language)
        case (.documents, .done, nil):
            self = .documentsDone
        case (.transfer, .intent, .upload?):
            guard let bucket = data.bucket, let key = data.key, let bytes = data.bytes else { return nil }
            self = .uploadIntent(bucket: bucket, key: key, bytes: bytes)
        case (.transfer, .done, .uploadState?):
            guard let state = data.uploadState else { return nil }
            self = .uploadState(state)
        case (.transfer, .done, .uploadPart?):
            guard let part = data.part else { return nil }
            self = .uploadPart(number: part.number, etag: part.etag)
        case (.transfer, .done, nil):
            guard let bucket = data.bucket, let key = data.key, let etag = data.etag, let bytes = data.bytes else {
                return nil
            }
            self = .transferred(bucket: bucket, key: key, etag: etag, bytes: bytes)
        case (.confirm, .done, nil):
            guard data.processed == true, let ovps = data.ovps, let uid = data.assetUID, let url = data.assetURL else {
                return nil
            }
            self = .confirmed(ovps: Int(ovps), assetUID: uid, assetURL: url)
        case (let stage, .failed, nil):
            guard let error = data.error else { return nil }
            self = .failed(stage, error.attributed(item: entry.item, stage: stage))
        default:
            return nil
        }
    }
}
