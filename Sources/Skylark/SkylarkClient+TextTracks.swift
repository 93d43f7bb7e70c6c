extension SkylarkClient {
    /// Creates a text track of `languageCode` on the asset at `assetURL` (`POST text-tracks/` → 201).
    public func createTextTrack(languageCode: String, assetURL: String) async throws -> TextTrack {
        try await post("text-tracks/", json: CreateTextTrackRequest(languageCode: languageCode, assetURLs: [assetURL]),
                       as: TextTrack.self)
    }

    /// The text track with `uid`, or nil when Skylark has none.
    public func textTrack(uid: String) async throws -> TextTrack? {
        try await getIfPresent("text-tracks/\(SkylarkClient.percentEncoded(uid))/", as: TextTrack.self)
    }

    /// The text track at a `self` URL or path (from an asset's `text_track_urls`), or nil.
    public func textTrack(url: String) async throws -> TextTrack? {
        try await getIfPresent(url, as: TextTrack.self)
    }
}
