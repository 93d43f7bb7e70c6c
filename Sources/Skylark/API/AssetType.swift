/// An asset type (`GET asset-types/`): Episode, Movie, …
public struct AssetType: Sendable, Hashable, Codable {
    /// `asty_<32 hex>`.
    public var uid: String
    /// The absolute path, e.g. `/api/asset-types/asty_…/`; what `asset_type_url` takes.
    public var selfURL: String
    /// The display name.
    public var name: String
    /// The slug, when the server sends one.
    public var slug: String?

    /// Creates an asset type.
    public init(uid: String, selfURL: String, name: String, slug: String? = nil) {
        self.uid = uid
        self.selfURL = selfURL
        self.name = name
        self.slug = slug
    }

    enum CodingKeys: String, CodingKey {
        case uid, selfURL = "self", name, slug
    }
}
