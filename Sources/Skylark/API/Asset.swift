import IngestCore

/// An asset as the API returns it, with every field not modelled here kept in `fields`.
public struct Asset: Sendable, Hashable, Codable {
    /// `asse_<32 hex>`.
    public var uid: String
    /// The absolute path, e.g. `/api/assets/asse_…/`.
    public var selfURL: String
    /// The title.
    public var title: String?
    /// The slug (unique).
    public var slug: String?
    /// The asset type's `self`.
    public var assetTypeURL: String?
    /// The `self` of each text track of the asset.
    public var textTrackURLs: [String]
    /// The OVP objects Skylark attached after processing a video.
    public var ovps: [OVP]
    /// The data source id (simple mode: the video's file name without extension).
    public var dataSourceID: String?
    /// Every other field, as sent.
    public var fields: [String: JSONValue]

    /// Creates an asset.
    public init(uid: String, selfURL: String, title: String? = nil, slug: String? = nil, assetTypeURL: String? = nil,
                textTrackURLs: [String] = [], ovps: [OVP] = [], dataSourceID: String? = nil,
                fields: [String: JSONValue] = [:]) {
        self.uid = uid
        self.selfURL = selfURL
        self.title = title
        self.slug = slug
        self.assetTypeURL = assetTypeURL
        self.textTrackURLs = textTrackURLs
        self.ovps = ovps
        self.dataSourceID = dataSourceID
        self.fields = fields
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case uid, selfURL = "self", title, slug, assetTypeURL = "asset_type_url", textTrackURLs = "text_track_urls"
        case ovps, dataSourceID = "data_source_id"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        uid = try c.decode(String.self, forKey: .uid)
        selfURL = try c.decode(String.self, forKey: .selfURL)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        slug = try c.decodeIfPresent(String.self, forKey: .slug)
        assetTypeURL = try c.decodeIfPresent(String.self, forKey: .assetTypeURL)
        textTrackURLs = try c.decodeIfPresent([String].self, forKey: .textTrackURLs) ?? []
        ovps = try c.decodeIfPresent([OVP].self, forKey: .ovps) ?? []
        dataSourceID = try c.decodeIfPresent(String.self, forKey: .dataSourceID)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        let all = try decoder.container(keyedBy: AnyCodingKey.self)
        var extra: [String: JSONValue] = [:]
        for key in all.allKeys where !known.contains(key.stringValue) {
            extra[key.stringValue] = try all.decode(JSONValue.self, forKey: key)
        }
        fields = extra
    }

    public func encode(to encoder: any Encoder) throws {
        var all = encoder.container(keyedBy: AnyCodingKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        for (key, value) in fields where !known.contains(key) {
            try all.encode(value, forKey: AnyCodingKey(key))
        }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(uid, forKey: .uid)
        try c.encode(selfURL, forKey: .selfURL)
        try c.encodeIfPresent(title, forKey: .title)
        try c.encodeIfPresent(slug, forKey: .slug)
        try c.encodeIfPresent(assetTypeURL, forKey: .assetTypeURL)
        try c.encode(textTrackURLs, forKey: .textTrackURLs)
        try c.encode(ovps, forKey: .ovps)
        try c.encode(dataSourceID, forKey: .dataSourceID)
    }
}

/// An online video platform entry of an asset (`ovps`), added when Skylark processed its video.
public struct OVP: Sendable, Hashable, Codable {
    /// The ingest provider.
    public var provider: String
    /// The id on that platform.
    public var ovpID: String?
    /// The S3 key the video was ingested from.
    public var key: String?

    /// Creates an OVP entry.
    public init(provider: String, ovpID: String? = nil, key: String? = nil) {
        self.provider = provider
        self.ovpID = ovpID
        self.key = key
    }

    enum CodingKeys: String, CodingKey {
        case provider, ovpID = "ovp_id", key
    }
}

/// The body of `POST assets/`: title, optional slug and asset type, and extra fields sent as they are.
public struct CreateAssetRequest: Sendable, Hashable, Encodable {
    /// The title (required by the server).
    public var title: String
    /// The slug; the server derives one from the title when nil.
    public var slug: String?
    /// The asset type's `self`.
    public var assetTypeURL: String?
    /// Extra fields; they never override `title`, `slug` or `asset_type_url`.
    public var fields: [String: JSONValue]

    /// Creates a request.
    public init(title: String, slug: String? = nil, assetTypeURL: String? = nil, fields: [String: JSONValue] = [:]) {
        self.title = title
        self.slug = slug
        self.assetTypeURL = assetTypeURL
        self.fields = fields
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyCodingKey.self)
        let reserved: Set<String> = ["title", "slug", "asset_type_url"]
        for (key, value) in fields where !reserved.contains(key) {
            try c.encode(value, forKey: AnyCodingKey(key))
        }
        try c.encode(title, forKey: AnyCodingKey("title"))
        try c.encodeIfPresent(slug, forKey: AnyCodingKey("slug"))
        try c.encodeIfPresent(assetTypeURL, forKey: AnyCodingKey("asset_type_url"))
    }
}
