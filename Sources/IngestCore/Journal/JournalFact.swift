/// What the pipeline records about one item, typed: every kind of record the stages and the runner
/// write. `entry(item:)` gives its journal entry and `init?(_:)` reads one back
/// (`JournalFact+Wire.swift`, the one table of stage, event, op and `data` members per kind).
public enum JournalFact: Sendable, Hashable {
    /// validate `done`: the item's definition fingerprint and its per-field fingerprints.
    case planned(definition: String, fields: String)
    /// assets `intent` `create`: the asset is about to be POSTed with `slug`.
    case assetIntent(slug: String)
    /// assets `done` `create`: the POST made nothing; `slugHolder` is the asset that holds the slug.
    case assetNotCreated(slugHolder: String)
    /// assets `done`: the item's asset; `adopted` when it existed before and `--on-existing adopt` took it.
    case asset(uid: String, url: String, adopted: Bool)
    /// documents `intent` `text_track:<language>`, with the asset's `text_track_urls` of the moment (none: empty).
    case textTrackIntent(language: String, existingTextTracks: [String])
    /// documents `done` `text_track:<language>`: the subtitle's text track.
    case textTrack(language: String, uid: String, url: String)
    /// documents `intent` `document:<language>`.
    case documentIntent(language: String)
    /// documents `done` `document:<language>`: the subtitle's document, its upload URL, and whether it
    /// already has its file.
    case document(language: String, uid: String, url: String, uploadURL: String, uploaded: Bool)
    /// documents `intent` `upload:<language>`: the subtitle's file is about to be uploaded.
    case fileUploadIntent(language: String)
    /// documents `done` `upload:<language>`: the subtitle's file is uploaded.
    case fileUploaded(language: String)
    /// documents `done`: every subtitle is done.
    case documentsDone
    /// transfer `intent` `upload`: the write that makes the video visible under `key` goes out next.
    case uploadIntent(bucket: String, key: String, bytes: Int64)
    /// transfer `done` `upload_state`: the multipart uploader's whole state (`.null`: nothing to keep).
    case uploadState(JSONValue)
    /// transfer `done` `upload_part`: one more part S3 acknowledged.
    case uploadPart(number: Int, etag: String)
    /// transfer `done`: the video is in the watchfolder (the upload state is cleared).
    case transferred(bucket: String, key: String, etag: String, bytes: Int64)
    /// confirm `done`: Skylark processed the video into the asset, which has `ovps` OVPs.
    case confirmed(ovps: Int, assetUID: String, assetURL: String)
    /// `failed` at `stage`: the item's failure there (code, message, hint, retryable; never secrets).
    case failed(Stage, IngestError)
}

/// The operation within a stage that an intent opens and a result closes (`JournalEntry.op`).
public enum JournalOp: Sendable, Hashable {
    /// assets: the asset's POST.
    case create
    /// documents: one subtitle's text track, document, and file upload.
    case textTrack(language: String)
    case document(language: String)
    case fileUpload(language: String)
    /// transfer: the write that makes the video visible (the single PUT, or CompleteMultipartUpload).
    case upload
    /// transfer: the multipart upload's state recorded whole, and one part of it.
    case uploadState
    case uploadPart

    /// The op as the journal spells it.
    public var name: String {
        switch self {
        case .create: return "create"
        case .textTrack(let language): return "text_track:" + language
        case .document(let language): return "document:" + language
        case .fileUpload(let language): return "upload:" + language
        case .upload: return "upload"
        case .uploadState: return "upload_state"
        case .uploadPart: return "upload_part"
        }
    }

    /// The op `name` spells, nil when it is none.
    public init?(name: String) {
        var candidates: [JournalOp] = [.create, .upload, .uploadState, .uploadPart]
        if let colon = name.firstIndex(of: ":") {
            let language = String(name[name.index(after: colon)...])
            candidates = [.textTrack(language: language), .document(language: language), .fileUpload(language: language)]
        }
        guard let op = candidates.first(where: { $0.name == name }) else { return nil }
        self = op
    }
}
