import IngestCore

extension SandboxStore {
    /// Creates a text track linked to existing assets; each asset's `text_track_urls` gains it.
    public mutating func createTextTrack(_ body: [String: JSONValue]) throws(APIError) -> TextTrackRecord {
        var errors: [String: [String]] = [:]
        var language = ""
        switch body["language_code"] {
        case .string(let value) where !value.isEmpty: language = value
        case nil, .null?, .string?: errors["language_code"] = ["This field is required."]
        default: errors["language_code"] = ["Not a valid string."]
        }
        var assetUIDs: [String] = []
        switch body["asset_urls"] {
        case .array(let values) where !values.isEmpty:
            for value in values {
                guard case .string(let reference) = value else {
                    errors["asset_urls", default: []].append("Incorrect type. Expected URL string.")
                    continue
                }
                if let uid = SkylarkUID.parse(reference, kind: .asset), assetPosition(uid) != nil {
                    if !assetUIDs.contains(uid) { assetUIDs.append(uid) }
                } else {
                    errors["asset_urls", default: []].append("Invalid hyperlink - object does not exist: \(reference)")
                }
            }
        case nil, .null?, .array?: errors["asset_urls"] = ["This field is required."]
        default: errors["asset_urls"] = ["Expected a list of items."]
        }
        guard errors.isEmpty else { throw .form(errors) }
        let track = TextTrackRecord(uid: UID.make(.textTrack), languageCode: language, assetUIDs: assetUIDs)
        appendTextTrack(track)
        for uid in assetUIDs {
            if let i = assetPosition(uid) { updateAsset(at: i) { $0.textTrackUIDs.append(track.uid) } }
        }
        return track
    }

    /// The text track `uid`, or 404.
    public func textTrack(uid: String) throws(APIError) -> TextTrackRecord {
        guard let i = textTrackPosition(uid) else { throw .notFound("No text track with uid \(uid).") }
        return state.textTracks[i]
    }

    /// Every text track, in creation order.
    public var textTracks: [TextTrackRecord] { state.textTracks }
}
