/// A text track (`POST text-tracks/`, `GET text-tracks/UID/`).
public struct TextTrack: Sendable, Hashable, Codable {
    /// `text_<32 hex>`.
    public var uid: String
    /// The absolute path, e.g. `/api/text-tracks/text_…/`; a document's `content_url`.
    public var selfURL: String
    /// BCP 47 language, e.g. `en-gb`.
    public var languageCode: String
    /// The `self` of each asset the track belongs to.
    public var assetURLs: [String]

    /// Creates a text track.
    public init(uid: String, selfURL: String, languageCode: String, assetURLs: [String]) {
        self.uid = uid
        self.selfURL = selfURL
        self.languageCode = languageCode
        self.assetURLs = assetURLs
    }

    enum CodingKeys: String, CodingKey {
        case uid, selfURL = "self", languageCode = "language_code", assetURLs = "asset_urls"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        uid = try c.decode(String.self, forKey: .uid)
        selfURL = try c.decode(String.self, forKey: .selfURL)
        languageCode = try c.decodeIfPresent(String.self, forKey: .languageCode) ?? ""
        assetURLs = try c.decodeIfPresent([String].self, forKey: .assetURLs) ?? []
    }
}

/// The body of `POST text-tracks/`.
struct CreateTextTrackRequest: Encodable {
    var languageCode: String
    var assetURLs: [String]

    enum CodingKeys: String, CodingKey {
        case languageCode = "language_code", assetURLs = "asset_urls"
    }
}
