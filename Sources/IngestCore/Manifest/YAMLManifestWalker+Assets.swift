// One entry of `assets:`: its keys, `fields` and `subtitles`.
extension YAMLManifestWalker {
    mutating func walkAsset(_ node: YAMLNode, index: Int) -> ManifestAsset? {
        let itemLocation = location(node)
        guard case .mapping(let mapping) = node else {
            error(DiagnosticRule.type, "asset \(index + 1) must be a mapping, found \(describe(node))",
                  hint: "write each asset as `- id: ...` followed by its keys", at: itemLocation)
            return nil
        }
        // The id first, so every later diagnostic of this item can name it.
        var id: String?
        if let idNode = mapping["id"] { id = string(idNode, field: "id", item: nil) }
        let item = id
        var asset = ManifestAsset(id: id ?? "", video: "", videoPath: "", location: itemLocation)
        var sawVideo = false, subtitleNodes: YAMLNode?
        var locations = FieldLocations(sharingKeysOf: locationKeys)
        for (keyNode, value) in mapping.pairs {
            guard let key = keyName(keyNode, context: item.map { "asset `\(DiagnosticText.escaped($0))`" }) else { continue }
            let valueLocation = location(value)
            switch key {
            case "id":
                locations["id"] = valueLocation
            case "mode":
                locations["mode"] = valueLocation
                if let text = string(value, field: "mode", item: item) {
                    if let mode = IngestMode(rawValue: text) {
                        asset.mode = mode
                    } else {
                        error(DiagnosticRule.modeInvalid, "`mode` must be `advanced` or `simple`, found `\(DiagnosticText.escaped(text))`",
                              hint: ManifestKeys.suggestion(for: text, among: ["advanced", "simple"]).map { "did you mean `\($0)`?" },
                              at: valueLocation, item: item, field: "mode")
                    }
                }
            case "uid":
                locations["uid"] = valueLocation
                asset.uid = string(value, field: "uid", item: item)
            case "title":
                locations["title"] = valueLocation
                asset.title = string(value, field: "title", item: item)
            case "slug":
                locations["slug"] = valueLocation
                asset.slug = string(value, field: "slug", item: item)
            case "asset_type":
                locations["asset_type"] = valueLocation
                asset.assetType = string(value, field: "asset_type", item: item)
            case "fields":
                locations["fields"] = valueLocation
                asset.fieldList = ManifestFields(walkFields(value, item: item, locations: &locations))
            case "video":
                locations["video"] = valueLocation
                sawVideo = true
                if let video = string(value, field: "video", item: item) {
                    asset.video = video
                    asset.videoPathStorage = .folder(paths.absoluteFolder)
                    if video.isEmpty {
                        error(DiagnosticRule.missingField, "`video` is empty",
                              hint: "give the video's path, relative to the manifest's folder", at: valueLocation,
                              item: item, field: "video")
                    }
                }
            case "key":
                locations["key"] = valueLocation
                asset.key = string(value, field: "key", item: item)
            case "subtitles":
                locations["subtitles"] = valueLocation
                subtitleNodes = value
            default:
                unknownKey(key, at: location(keyNode), known: ManifestKeys.asset, item: item, field: key)
            }
        }
        if mapping["id"] == nil {
            error(DiagnosticRule.missingField, "asset \(index + 1) has no `id`",
                  hint: "give every asset a unique `id` of letters, digits, `.`, `_` or `-`", at: itemLocation, field: "id")
        }
        if !sawVideo {
            error(DiagnosticRule.missingField, "asset \(item.map { "`\(DiagnosticText.escaped($0))`" } ?? "\(index + 1)") has no `video`",
                  hint: "add `video: path/to/file.mp4` (relative to the manifest's folder)", at: itemLocation,
                  item: item, field: "video")
        }
        if let subtitleNodes {
            asset.subtitleList = SubtitleList(walkSubtitles(subtitleNodes, item: item, locations: &locations))
        }
        locations.shrinkToFit()
        // The next items share this item's key names, unless a manifest with ever new keys grew the table.
        if locations.keyTableCount <= 64 { locationKeys = FieldLocations(sharingKeysOf: locations) }
        asset.fieldLocations = locations
        guard id != nil, sawVideo, !asset.video.isEmpty else { return nil }
        return asset
    }

    mutating func walkFields(_ node: YAMLNode, item: String?, locations: inout FieldLocations) -> [String: JSONValue] {
        guard case .mapping(let mapping) = node else {
            error(DiagnosticRule.type, "`fields` must be a mapping of field names to values, found \(describe(node))",
                  at: location(node), item: item, field: "fields")
            return [:]
        }
        var fields: [String: JSONValue] = [:]
        for (keyNode, value) in mapping.pairs {
            guard let key = keyName(keyNode, context: "fields") else { continue }
            locations["fields.\(key)"] = location(value)
            if let json = jsonValue(value, item: item, field: "fields.\(key)") { fields[key] = json }
        }
        return fields
    }

    mutating func walkSubtitles(_ node: YAMLNode, item: String?, locations: inout FieldLocations) -> [ManifestSubtitle] {
        guard case .sequence(let list) = node else {
            error(DiagnosticRule.type, "`subtitles` must be a list, found \(describe(node))",
                  hint: "write each subtitle as `- file: ...` with its `language`", at: location(node), item: item,
                  field: "subtitles")
            return []
        }
        var subtitles: [ManifestSubtitle] = []
        for (index, entry) in list.items.enumerated() {
            let field = "subtitles[\(index)]"
            let entryLocation = location(entry)
            guard case .mapping(let mapping) = entry else {
                error(DiagnosticRule.type, "subtitle \(index + 1) must be a mapping with `file` and `language`, found \(describe(entry))",
                      at: entryLocation, item: item, field: field)
                continue
            }
            var file: String?, language: String?, title: String?
            for (keyNode, value) in mapping.pairs {
                guard let key = keyName(keyNode, context: "subtitle") else { continue }
                switch key {
                case "file":
                    locations["\(field).file"] = location(value)
                    file = string(value, field: "\(field).file", item: item)
                case "language":
                    locations["\(field).language"] = location(value)
                    language = string(value, field: "\(field).language", item: item)
                case "title":
                    locations["\(field).title"] = location(value)
                    title = string(value, field: "\(field).title", item: item)
                default:
                    unknownKey(key, at: location(keyNode), known: ManifestKeys.subtitle, item: item, field: "\(field).\(key)")
                }
            }
            if mapping["language"] == nil {
                // Kept for LANGUAGE_MISSING, decided once `defaults` is known.
                locations[field] = entryLocation
            }
            if mapping["file"] == nil {
                error(DiagnosticRule.missingField, "subtitle \(index + 1) has no `file`",
                      hint: "add `file: path/to/subtitle.srt`", at: entryLocation, item: item, field: "\(field).file")
            }
            if let file, file.isEmpty {
                error(DiagnosticRule.missingField, "subtitle \(index + 1) has an empty `file`",
                      hint: "give the subtitle's path, relative to the manifest's folder",
                      at: locations["\(field).file"] ?? entryLocation, item: item, field: "\(field).file")
            }
            guard let file, !file.isEmpty else { continue }
            // The subtitle's location is its `file` value: file problems point there.
            subtitles.append(ManifestSubtitle(file: file, pathStorage: .folder(paths.absoluteFolder), language: language ?? "",
                                              title: title, location: locations["\(field).file"] ?? entryLocation))
        }
        return subtitles
    }
}
