import IngestCore

extension SkylarkClient {
    /// Asset types whose name or slug matches `name` (case-insensitive, `GET asset-types/?name=`).
    public func assetTypes(named name: String) async throws -> [AssetType] {
        try await allPages("asset-types/", query: [("name", name)], of: AssetType.self)
    }

    /// Creates an asset (`POST assets/` → 201). Sent again only when no connection was made: after
    /// any other failure the outcome is unknown, so look the asset up by slug before creating it again.
    public func createAsset(_ request: CreateAssetRequest) async throws -> Asset {
        try await post("assets/", json: request, as: Asset.self)
    }

    /// The assets with `slug` (0 or 1; `GET assets/?slug=`).
    public func assets(slug: String) async throws -> [Asset] {
        try await allPages("assets/", query: [("slug", slug)], of: Asset.self)
    }

    /// The asset with `uid`, or nil when Skylark has none.
    public func asset(uid: String) async throws -> Asset? {
        try await getIfPresent("assets/\(SkylarkClient.percentEncoded(uid))/", as: Asset.self)
    }

    /// The asset at a `self` URL or path, or nil when Skylark has none.
    public func asset(url: String) async throws -> Asset? {
        try await getIfPresent(url, as: Asset.self)
    }

    /// The asset Skylark made in simple mode for data source `dataSourceID`, or nil when there is none yet.
    public func asset(dataSourceID: String) async throws -> Asset? {
        try await getIfPresent("assets/versions/data-source/\(SkylarkClient.percentEncoded(dataSourceID))/",
                               as: Asset.self)
    }
}
