/// The typed contents of a journal entry's `data`: every member a record may carry, each nil when it is
/// absent (or not of its type).
///
/// `init(_:)` and `members` are the one table between these fields and the wire form: the records
/// (`JournalFact`), the replay (`ItemState.apply`) and compaction (`ItemState.summaryEntry`) all go
/// through it, so each member's name and JSON type are stated here only (names in `JournalKey`).
struct JournalData: Sendable, Hashable {
    var definition: String?
    /// The definition's per-field fingerprints (`name=hash`, comma-separated).
    var fields: String?
    var slug: String?
    var created: Bool?
    var slugHolder: String?
    var assetUID: String?
    var assetURL: String?
    var adopted: Bool?
    /// One subtitle's members, at the top level of the record (`language` and the track's fields).
    var track: TrackData?
    /// Every subtitle (an item summary).
    var tracks: [TrackData]?
    var bucket: String?
    var key: String?
    var etag: String?
    var bytes: Int64?
    /// The multipart uploader's state (opaque); `.null` clears it.
    var uploadState: JSONValue?
    var part: UploadedPart?
    var processed: Bool?
    var ovps: Int64?
    /// A failure, without item and stage (the record's).
    var error: IngestError?
    /// The item's first and last work record, in milliseconds since 1970 (an item summary).
    var startedAt: Int64?
    var endedAt: Int64?
    /// A stage summary's (format 1) status and open intents.
    var status: StageStatus?
    var openIntents: [String]?
    /// An item summary's (format 2) work stages.
    var stages: [Stage: StageData] = [:]

    init() {}

    /// Reads the members of `data` it knows; others are ignored.
    init(_ data: [String: JSONValue]) {
        var language: String?
        var track = TrackData(language: "")
        for (name, value) in data {
            guard let key = JournalKey(rawValue: name) else {
                if let (stage, member) = StageKey.parse(name) { stages[stage, default: StageData()].read(member, value) }
                continue
            }
            switch key {
            case .definition: definition = value.stringValue
            case .fields: fields = value.stringValue
            case .slug: slug = value.stringValue
            case .created: created = value.boolValue
            case .slugHolder: slugHolder = value.stringValue
            case .assetUID: assetUID = value.stringValue
            case .assetURL: assetURL = value.stringValue
            case .adopted: adopted = value.boolValue
            case .language: language = value.stringValue
            case .tracks:
                guard case .array(let list) = value else { break }
                tracks = list.compactMap { element in
                    guard case .object(let fields) = element else { return nil }
                    return TrackData(fields)
                }
            case .bucket: bucket = value.stringValue
            case .key: self.key = value.stringValue
            case .etag: etag = value.stringValue
            case .bytes: bytes = value.int64Value
            case .uploadState: uploadState = value
            case .part:
                guard case .object(let fields) = value, let number = fields[JournalKey.number.rawValue]?.int64Value,
                      let etag = fields[JournalKey.etag.rawValue]?.stringValue else { break }
                part = UploadedPart(number: Int(number), etag: etag)
            case .processed: processed = value.boolValue
            case .ovps: ovps = value.int64Value
            case .error: error = Self.error(value)
            case .startedAt: startedAt = value.stringValue.flatMap(JournalTime.milliseconds)
            case .endedAt: endedAt = value.stringValue.flatMap(JournalTime.milliseconds)
            case .status: status = value.stringValue.flatMap(StageStatus.init(rawValue:))
            case .openIntents: openIntents = Self.strings(value)
            case .number, .code, .message, .hint, .retryable: break  // members of nested objects
            case .textTrackUID, .textTrackURL, .documentUID, .documentURL, .uploadURL, .uploaded, .existingTextTracks:
                track.read(key, value)
            }
        }
        if let language {
            track.language = language
            self.track = track
        }
    }

    /// The wire form: the members that are set.
    var members: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        func put(_ key: JournalKey, _ value: JSONValue?) { if let value { out[key.rawValue] = value } }
        put(.definition, definition.map(JSONValue.string))
        put(.fields, fields.map(JSONValue.string))
        put(.slug, slug.map(JSONValue.string))
        put(.created, created.map(JSONValue.bool))
        put(.slugHolder, slugHolder.map(JSONValue.string))
        put(.assetUID, assetUID.map(JSONValue.string))
        put(.assetURL, assetURL.map(JSONValue.string))
        put(.adopted, adopted.map(JSONValue.bool))
        if let track { out.merge(track.members) { _, new in new } }
        put(.tracks, tracks.map { .array($0.map { .object($0.members) }) })
        put(.bucket, bucket.map(JSONValue.string))
        put(.key, key.map(JSONValue.string))
        put(.etag, etag.map(JSONValue.string))
        put(.bytes, bytes.map { .number(Double($0)) })
        put(.uploadState, uploadState)
        put(.part, part.map { .object([JournalKey.number.rawValue: .number(Double($0.number)),
                                       JournalKey.etag.rawValue: .string($0.etag)]) })
        put(.processed, processed.map(JSONValue.bool))
        put(.ovps, ovps.map { .number(Double($0)) })
        put(.error, error.map(Self.member))
        put(.startedAt, startedAt.map { .string(JournalTime.text($0)) })
        put(.endedAt, endedAt.map { .string(JournalTime.text($0)) })
        put(.status, status.map { .string($0.rawValue) })
        put(.openIntents, openIntents.map(Self.member))
        for (stage, data) in stages {
            if let status = data.status { out[StageKey.status.name(stage)] = .string(status.rawValue) }
            if let intents = data.intents { out[StageKey.intents.name(stage)] = Self.member(intents) }
            if let error = data.error { out[StageKey.error.name(stage)] = Self.member(error) }
        }
        return out
    }

    /// The `error` object of `error`: code, message, hint when there is one, retryable (never secrets).
    static func member(_ error: IngestError) -> JSONValue {
        var fields: [String: JSONValue] = [JournalKey.code.rawValue: .string(error.code.rawValue),
                                           JournalKey.message.rawValue: .string(error.message),
                                           JournalKey.retryable.rawValue: .bool(error.retryable)]
        if let hint = error.hint { fields[JournalKey.hint.rawValue] = .string(hint) }
        return .object(fields)
    }

    /// The failure an `error` object records (nil when `value` is not an object). Records written before
    /// hints were kept have none.
    static func error(_ value: JSONValue) -> IngestError? {
        guard case .object(let fields) = value else { return nil }
        return IngestError(code: fields[JournalKey.code.rawValue]?.stringValue.map(ErrorCode.init(rawValue:)) ?? .unknown,
                           message: fields[JournalKey.message.rawValue]?.stringValue ?? "",
                           hint: fields[JournalKey.hint.rawValue]?.stringValue,
                           retryable: fields[JournalKey.retryable.rawValue]?.boolValue ?? false)
    }

    static func member(_ strings: [String]) -> JSONValue { .array(strings.map(JSONValue.string)) }

    /// The strings of a JSON array (nil when `value` is not an array).
    static func strings(_ value: JSONValue) -> [String]? {
        guard case .array(let list) = value else { return nil }
        return list.compactMap(\.stringValue)
    }
}

/// One work stage in an item summary: its status, open intents and last error.
struct StageData: Sendable, Hashable {
    var status: StageStatus?
    var intents: [String]?
    var error: IngestError?

    mutating func read(_ key: StageKey, _ value: JSONValue) {
        switch key {
        case .status: status = value.stringValue.flatMap(StageStatus.init(rawValue:))
        case .intents: intents = JournalData.strings(value)
        case .error: error = JournalData.error(value)
        }
    }
}
