/// One subtitle's members in a journal entry's `data`: at the top level of a documents record, or one
/// element of an item summary's `tracks`. Each is nil when absent (or not of its type).
struct TrackData: Sendable, Hashable {
    var language: String
    var textTrackUID: String?
    var textTrackURL: String?
    var documentUID: String?
    var documentURL: String?
    var uploadURL: String?
    var uploaded: Bool?
    /// The asset's `text_track_urls` when the text track's intent was recorded.
    var existingTextTracks: [String]?

    init(language: String, textTrackUID: String? = nil, textTrackURL: String? = nil, documentUID: String? = nil,
         documentURL: String? = nil, uploadURL: String? = nil, uploaded: Bool? = nil,
         existingTextTracks: [String]? = nil) {
        self.language = language
        self.textTrackUID = textTrackUID
        self.textTrackURL = textTrackURL
        self.documentUID = documentUID
        self.documentURL = documentURL
        self.uploadURL = uploadURL
        self.uploaded = uploaded
        self.existingTextTracks = existingTextTracks
    }

    /// The track an object of `tracks` holds; nil without a `language`.
    init?(_ fields: [String: JSONValue]) {
        guard let language = fields[JournalKey.language.rawValue]?.stringValue else { return nil }
        self.init(language: language)
        for (name, value) in fields {
            if let key = JournalKey(rawValue: name) { read(key, value) }
        }
    }

    /// Reads member `key` (a track member other than `language`; others are ignored).
    mutating func read(_ key: JournalKey, _ value: JSONValue) {
        switch key {
        case .textTrackUID: textTrackUID = value.stringValue
        case .textTrackURL: textTrackURL = value.stringValue
        case .documentUID: documentUID = value.stringValue
        case .documentURL: documentURL = value.stringValue
        case .uploadURL: uploadURL = value.stringValue
        case .uploaded: uploaded = value.boolValue
        case .existingTextTracks: existingTextTracks = JournalData.strings(value)
        default: break
        }
    }

    /// The wire form: `language` and the members that are set.
    var members: [String: JSONValue] {
        var out: [String: JSONValue] = [JournalKey.language.rawValue: .string(language)]
        func put(_ key: JournalKey, _ value: JSONValue?) { if let value { out[key.rawValue] = value } }
        put(.textTrackUID, textTrackUID.map(JSONValue.string))
        put(.textTrackURL, textTrackURL.map(JSONValue.string))
        put(.documentUID, documentUID.map(JSONValue.string))
        put(.documentURL, documentURL.map(JSONValue.string))
        put(.uploadURL, uploadURL.map(JSONValue.string))
        put(.uploaded, uploaded.map(JSONValue.bool))
        put(.existingTextTracks, existingTextTracks.map(JournalData.member))
        return out
    }
}
