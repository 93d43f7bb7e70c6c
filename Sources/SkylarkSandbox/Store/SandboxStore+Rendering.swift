import IngestCore

/// Wire shapes of the stored objects (`self` paths, `*_url` references), as api-shapes.md describes.
extension SandboxStore {
    /// The asset as the API answers it.
    public func render(_ asset: AssetRecord) -> JSONValue {
        var object = asset.extra
        object["uid"] = .string(asset.uid)
        object["self"] = .string(SkylarkUID.path(.asset, asset.uid))
        object["title"] = .string(asset.title)
        object["slug"] = .string(asset.slug)
        object["asset_type_url"] = asset.assetTypeUID.map { .string(SkylarkUID.path(.assetType, $0)) } ?? .null
        object["text_track_urls"] = .array(asset.textTrackUIDs.map { .string(SkylarkUID.path(.textTrack, $0)) })
        object["ovps"] = .array(asset.ovps.map {
            .object(["provider": .string($0.provider), "ovp_id": .string($0.ovpID), "key": .string($0.key)])
        })
        object["data_source_id"] = asset.dataSourceID.map(JSONValue.string) ?? .null
        return .object(object)
    }

    /// The asset type as the API answers it.
    public func render(_ type: AssetTypeRecord) -> JSONValue {
        .object(["uid": .string(type.uid), "self": .string(SkylarkUID.path(.assetType, type.uid)),
                 "name": .string(type.name), "slug": .string(type.slug)])
    }

    /// The text track as the API answers it.
    public func render(_ track: TextTrackRecord) -> JSONValue {
        .object(["uid": .string(track.uid), "self": .string(SkylarkUID.path(.textTrack, track.uid)),
                 "language_code": .string(track.languageCode),
                 "asset_urls": .array(track.assetUIDs.map { .string(SkylarkUID.path(.asset, $0)) })])
    }

    /// The document type as the API answers it.
    public func render(_ type: DocumentTypeRecord) -> JSONValue {
        .object(["uid": .string(type.uid), "self": .string(SkylarkUID.path(.documentType, type.uid)),
                 "name": .string(type.name)])
    }

    /// The document as the API answers it; `origin` (`http://host:port`) makes `upload_document_url` absolute.
    public func render(_ document: DocumentRecord, origin: String) -> JSONValue {
        .object([
            "uid": .string(document.uid), "self": .string(SkylarkUID.path(.document, document.uid)),
            "document_type_url": .string(SkylarkUID.path(.documentType, document.documentTypeUID)),
            "content_url": .string(document.contentPath), "file_name": .string(document.fileName),
            "language": document.language.map(JSONValue.string) ?? .null,
            "title": document.title.map(JSONValue.string) ?? .null,
            "url": document.url.map(JSONValue.string) ?? .null,
            "upload_document_url": .string("\(origin)\(SkylarkUID.path(.document, document.uid))upload/"),
        ])
    }

    /// A list answer: `{"objects": [...], "meta": {"start", "limit", "total"}}`.
    public static func renderPage(_ page: Page<JSONValue>) -> JSONValue {
        .object(["objects": .array(page.objects),
                 "meta": .object(["start": .number(Double(page.start)), "limit": .number(Double(page.limit)),
                                  "total": .number(Double(page.total))])])
    }
}
