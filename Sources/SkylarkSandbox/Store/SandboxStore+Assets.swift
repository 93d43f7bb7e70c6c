import Foundation
import IngestCore

extension SandboxStore {
    /// Asset types whose name or slug equals `name` case-insensitively (all when nil).
    public func assetTypes(name: String?) -> [AssetTypeRecord] {
        guard let name else { return state.assetTypes }
        let wanted = name.lowercased()
        return state.assetTypes.filter { $0.name.lowercased() == wanted || $0.slug.lowercased() == wanted }
    }

    /// The asset type `uid`, or 404.
    public func assetType(uid: String) throws(APIError) -> AssetTypeRecord {
        guard let type = state.assetTypes.first(where: { $0.uid == uid }) else {
            throw .notFound("No asset type with uid \(uid).")
        }
        return type
    }

    /// Creates an asset from a POST body, with the real API's validation (all field errors at once).
    public mutating func createAsset(_ body: [String: JSONValue]) throws(APIError) -> AssetRecord {
        var errors: [String: [String]] = [:]
        var title = ""
        switch body["title"] {
        case .string(let value) where !value.trimmingCharacters(in: .whitespaces).isEmpty: title = value
        case nil, .null?, .string?: errors["title"] = ["This field is required."]
        default: errors["title"] = ["Not a valid string."]
        }
        var slug: String?
        switch body["slug"] {
        case nil, .null?: slug = nil
        case .string(let value) where Self.isValidSlug(value): slug = value
        default:
            errors["slug"] = ["Enter a valid slug consisting of letters, numbers, underscores or hyphens."]
        }
        var assetTypeUID: String?
        switch body["asset_type_url"] {
        case nil, .null?: assetTypeUID = nil
        case .string(let reference):
            if let uid = SkylarkUID.parse(reference, kind: .assetType), state.assetTypes.contains(where: { $0.uid == uid }) {
                assetTypeUID = uid
            } else {
                errors["asset_type_url"] = ["Invalid hyperlink - object does not exist: \(reference)"]
            }
        default: errors["asset_type_url"] = ["Incorrect type. Expected URL string."]
        }
        var dataSourceID: String?
        switch body["data_source_id"] {
        case nil, .null?: dataSourceID = nil
        case .string(let value): dataSourceID = value
        default: errors["data_source_id"] = ["Not a valid string."]
        }
        if errors["title"] == nil && errors["slug"] == nil {
            let effective = slug ?? Slug.derive(from: title)
            if effective.isEmpty {
                errors["slug"] = ["A slug cannot be derived from this title; send one."]
            } else if assetPosition(slug: effective) != nil {
                errors["slug"] = ["An asset with this slug already exists."]
            }
            slug = effective
        }
        if let dataSourceID, assetPosition(dataSourceID: dataSourceID) != nil {
            errors["data_source_id"] = ["An asset with this data source id already exists."]
        }
        guard errors.isEmpty, let slug else { throw .form(errors) }

        var extra = body
        for key in Self.modelledAssetFields { extra.removeValue(forKey: key) }
        let asset = AssetRecord(uid: UID.make(.asset), title: title, slug: slug, assetTypeUID: assetTypeUID,
                                textTrackUIDs: [], ovps: [], dataSourceID: dataSourceID, extra: extra)
        appendAsset(asset)
        return asset
    }

    /// Fields the sandbox models itself (read-only ones are ignored when sent).
    static let modelledAssetFields = ["uid", "self", "title", "slug", "asset_type_url", "text_track_urls", "ovps",
                                      "data_source_id"]

    /// Whether `slug` is non-empty letters, digits, `-` and `_`.
    static func isValidSlug(_ slug: String) -> Bool {
        !slug.isEmpty && slug.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }

    /// The asset `uid`, or 404.
    public func asset(uid: String) throws(APIError) -> AssetRecord {
        guard let i = assetPosition(uid) else { throw .notFound("No asset with uid \(uid).") }
        return state.assets[i]
    }

    /// Assets with exactly `slug` (0 or 1), or every asset when nil.
    public func assets(slug: String?) -> [AssetRecord] {
        guard let slug else { return state.assets }
        return assetPosition(slug: slug).map { [state.assets[$0]] } ?? []
    }

    /// The asset whose data source id is `id` (simple mode), or 404.
    public func asset(dataSourceID id: String) throws(APIError) -> AssetRecord {
        guard let i = assetPosition(dataSourceID: id) else {
            throw .notFound("No asset with data source id \(id).")
        }
        return state.assets[i]
    }
}
