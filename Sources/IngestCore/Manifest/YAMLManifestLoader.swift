import Yams

/// Loads the YAML form of a manifest through `Yams.compose`, keeping each value's line and column.
enum YAMLManifestLoader {
    static func load(text: String, path: String, paths: ManifestPaths) -> ManifestLoadResult {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            return ManifestLoadResult(manifest: nil, diagnostics: [syntaxDiagnostic(error, path: path)])
        }
        var walker = YAMLManifestWalker(path: path, paths: paths)
        let manifest = walker.walk(root)
        return ManifestLoadResult(manifest: manifest, diagnostics: walker.diagnostics)
    }

    /// A `MANIFEST_SYNTAX` (or `MANIFEST_DUPLICATE_KEY`) diagnostic at the position libyaml reported.
    static func syntaxDiagnostic(_ error: any Error, path: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: path, line: mark.line, column: mark.column) }
        let start = SourceLocation(file: path, line: 1, column: 1)
        guard let yamlError = error as? YamlError else {
            return .error(DiagnosticRule.syntax, "the YAML cannot be parsed: \(error)", at: start)
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            return .error(DiagnosticRule.syntax, message, hint: syntaxHint(problem), at: at(mark))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return .error(DiagnosticRule.duplicateKey, "a mapping gives the key \(keys) more than once",
                          hint: "keep one of them", at: at(context.mark))
        case .reader(let problem, _, _, _):
            return .error(DiagnosticRule.encoding, "the YAML cannot be read: \(problem)", at: start)
        default:
            return .error(DiagnosticRule.syntax, "the YAML cannot be parsed: \(yamlError)", at: start)
        }
    }

    private static func syntaxHint(_ problem: String) -> String? {
        if problem.contains("tab") { return "indent with spaces, not tabs" }
        if problem.contains("mapping values are not allowed") {
            return "quote values that contain `: `, or check the indentation of this line"
        }
        if problem.contains("did not find expected") { return "check the indentation and closing quotes or brackets" }
        return nil
    }
}

/// Walks the composed node tree into the model, collecting diagnostics.
struct YAMLManifestWalker {
    let path: String
    let paths: ManifestPaths
    var diagnostics: [Diagnostic] = []

    init(path: String, paths: ManifestPaths) {
        self.path = path
        self.paths = paths
    }

    func location(_ node: Node) -> SourceLocation {
        guard let mark = node.mark else { return SourceLocation(file: path, line: 1, column: 1) }
        return SourceLocation(file: path, line: mark.line, column: mark.column)
    }

    mutating func error(_ rule: String, _ message: String, hint: String? = nil, at location: SourceLocation,
                        item: String? = nil, field: String? = nil) {
        diagnostics.append(.error(rule, message, hint: hint, at: location, item: item, field: field))
    }

    mutating func walk(_ root: Node?) -> Manifest? {
        let start = SourceLocation(file: path, line: 1, column: 1)
        guard let root else {
            error(DiagnosticRule.empty, "the manifest is empty", hint: "start with `version: 1` and an `assets:` list",
                  at: start)
            return nil
        }
        guard case .mapping(let top) = root else {
            error(DiagnosticRule.type, "the manifest must be a mapping with `version` and `assets`, found \(describe(root))",
                  at: location(root))
            return nil
        }
        var version: Int?
        var defaults = ManifestDefaults()
        var assetsNode: Node?
        for (keyNode, value) in top {
            guard let key = keyName(keyNode, context: nil) else { continue }
            switch key {
            case "version":
                if case .scalar(let scalar) = value, value.tag.rawValue == Tag.Name.int.rawValue, let number = Int(scalar.string) {
                    if number == ManifestKeys.supportedVersion {
                        version = number
                    } else {
                        error(DiagnosticRule.version, "unsupported manifest version \(number)",
                              hint: "this tool reads `version: 1`", at: location(value), field: "version")
                        version = number
                    }
                } else {
                    error(DiagnosticRule.version, "`version` must be the number 1, found \(describe(value))",
                          hint: "write `version: 1`", at: location(value), field: "version")
                    version = -1
                }
            case "defaults":
                defaults = walkDefaults(value)
            case "assets":
                assetsNode = value
            default:
                unknownKey(key, at: location(keyNode), known: ManifestKeys.topLevel, item: nil, field: key)
            }
        }
        if version == nil {
            error(DiagnosticRule.version, "the manifest has no `version`", hint: "add `version: 1` at the top",
                  at: start, field: "version")
        }
        guard let assetsNode else {
            error(DiagnosticRule.missingField, "the manifest has no `assets` list",
                  hint: "add `assets:` with one entry per video", at: location(root), field: "assets")
            return nil
        }
        guard case .sequence(let list) = assetsNode else {
            if case .scalar = assetsNode, assetsNode.tag.rawValue == Tag.Name.null.rawValue {
                error(DiagnosticRule.empty, "`assets` is empty", hint: "list at least one asset under `assets:`",
                      at: location(assetsNode), field: "assets")
            } else {
                error(DiagnosticRule.type, "`assets` must be a list, found \(describe(assetsNode))",
                      hint: "start each asset with `- id: ...`", at: location(assetsNode), field: "assets")
            }
            return nil
        }
        if list.isEmpty {
            error(DiagnosticRule.empty, "`assets` is empty", hint: "list at least one asset under `assets:`",
                  at: location(assetsNode), field: "assets")
        }
        var assets: [ManifestAsset] = []
        assets.reserveCapacity(list.count)
        for (index, node) in list.enumerated() {
            if let asset = walkAsset(node, index: index, defaults: defaults) { assets.append(asset) }
        }
        return Manifest(path: path, format: .yaml, version: version ?? ManifestKeys.supportedVersion,
                        defaults: defaults, assets: assets)
    }

    mutating func walkDefaults(_ node: Node) -> ManifestDefaults {
        var defaults = ManifestDefaults()
        guard case .mapping(let mapping) = node else {
            error(DiagnosticRule.type, "`defaults` must be a mapping, found \(describe(node))", at: location(node),
                  field: "defaults")
            return defaults
        }
        for (keyNode, value) in mapping {
            guard let key = keyName(keyNode, context: "defaults") else { continue }
            switch key {
            case "asset_type":
                defaults.assetType = string(value, field: "defaults.asset_type", item: nil)
                if let type = defaults.assetType, type.count > ManifestKeys.maxTextLength {
                    error(DiagnosticRule.fieldTooLong,
                          "`defaults.asset_type` is \(type.count) characters long; at most \(ManifestKeys.maxTextLength) are allowed",
                          at: location(value), field: "defaults.asset_type")
                }
            case "language":
                if let language = string(value, field: "defaults.language", item: nil) {
                    defaults.language = language
                    if let problem = BCP47.problem(language) {
                        error(DiagnosticRule.languageInvalid, "`\(language)` is not a well-formed BCP 47 language tag: \(problem)",
                              hint: "use a tag like `en-gb` or `fr`", at: location(value), field: "defaults.language")
                    }
                }
            default:
                unknownKey(key, at: location(keyNode), known: ManifestKeys.defaults, item: nil, field: "defaults.\(key)")
            }
        }
        return defaults
    }

    mutating func walkAsset(_ node: Node, index: Int, defaults: ManifestDefaults) -> ManifestAsset? {
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
        var sawMode = false, sawVideo = false, subtitleNodes: Node?
        var locations: [String: SourceLocation] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyName(keyNode, context: item.map { "asset `\($0)`" }) else { continue }
            let valueLocation = location(value)
            switch key {
            case "id":
                locations["id"] = valueLocation
            case "mode":
                locations["mode"] = valueLocation
                sawMode = true
                if let text = string(value, field: "mode", item: item) {
                    if let mode = IngestMode(rawValue: text) {
                        asset.mode = mode
                    } else {
                        error(DiagnosticRule.modeInvalid, "`mode` must be `advanced` or `simple`, found `\(text)`",
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
                asset.fields = walkFields(value, item: item, locations: &locations)
            case "video":
                locations["video"] = valueLocation
                sawVideo = true
                if let video = string(value, field: "video", item: item) {
                    asset.video = video
                    asset.videoPath = video.isEmpty ? "" : paths.absolute(video)
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
        _ = sawMode
        if mapping["id"] == nil {
            error(DiagnosticRule.missingField, "asset \(index + 1) has no `id`",
                  hint: "give every asset a unique `id` of letters, digits, `.`, `_` or `-`", at: itemLocation, field: "id")
        }
        if !sawVideo {
            error(DiagnosticRule.missingField, "asset \(item.map { "`\($0)`" } ?? "\(index + 1)") has no `video`",
                  hint: "add `video: path/to/file.mp4` (relative to the manifest's folder)", at: itemLocation,
                  item: item, field: "video")
        }
        if let subtitleNodes {
            asset.subtitles = walkSubtitles(subtitleNodes, item: item, defaults: defaults, locations: &locations)
        }
        if asset.mode == .advanced {
            if asset.assetType == nil { asset.assetType = defaults.assetType }
        }
        asset.fieldLocations = locations
        guard id != nil, sawVideo, !asset.video.isEmpty else { return nil }
        return asset
    }

    mutating func walkFields(_ node: Node, item: String?, locations: inout [String: SourceLocation]) -> [String: JSONValue] {
        guard case .mapping(let mapping) = node else {
            error(DiagnosticRule.type, "`fields` must be a mapping of field names to values, found \(describe(node))",
                  at: location(node), item: item, field: "fields")
            return [:]
        }
        var fields: [String: JSONValue] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyName(keyNode, context: "fields") else { continue }
            locations["fields.\(key)"] = location(value)
            if let json = jsonValue(value, item: item, field: "fields.\(key)") { fields[key] = json }
        }
        return fields
    }

    mutating func walkSubtitles(_ node: Node, item: String?, defaults: ManifestDefaults,
                                locations: inout [String: SourceLocation]) -> [ManifestSubtitle] {
        guard case .sequence(let list) = node else {
            error(DiagnosticRule.type, "`subtitles` must be a list, found \(describe(node))",
                  hint: "write each subtitle as `- file: ...` with its `language`", at: location(node), item: item,
                  field: "subtitles")
            return []
        }
        var subtitles: [ManifestSubtitle] = []
        for (index, entry) in list.enumerated() {
            let field = "subtitles[\(index)]"
            let entryLocation = location(entry)
            guard case .mapping(let mapping) = entry else {
                error(DiagnosticRule.type, "subtitle \(index + 1) must be a mapping with `file` and `language`, found \(describe(entry))",
                      at: entryLocation, item: item, field: field)
                continue
            }
            var file: String?, language: String?, title: String?
            for (keyNode, value) in mapping {
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
            if mapping["file"] == nil {
                error(DiagnosticRule.missingField, "subtitle \(index + 1) has no `file`",
                      hint: "add `file: path/to/subtitle.srt`", at: entryLocation, item: item, field: "\(field).file")
            }
            if mapping["language"] == nil && defaults.language == nil {
                error(DiagnosticRule.languageMissing, "subtitle \(index + 1) has no `language` and there is no `defaults.language`",
                      hint: "add `language: en-gb` (BCP 47) here or under `defaults:`", at: entryLocation, item: item,
                      field: "\(field).language")
            }
            if let file, file.isEmpty {
                error(DiagnosticRule.missingField, "subtitle \(index + 1) has an empty `file`",
                      hint: "give the subtitle's path, relative to the manifest's folder",
                      at: locations["\(field).file"] ?? entryLocation, item: item, field: "\(field).file")
            }
            guard let file, !file.isEmpty else { continue }
            // The subtitle's location is its `file` value: file problems point there.
            subtitles.append(ManifestSubtitle(file: file, path: paths.absolute(file),
                                              language: language ?? defaults.language ?? "", title: title,
                                              location: locations["\(field).file"] ?? entryLocation))
        }
        return subtitles
    }

    // MARK: - Values

    /// The key's text, or nil (with a diagnostic) when the key is not a plain string.
    mutating func keyName(_ node: Node, context: String?) -> String? {
        if case .scalar(let scalar) = node { return scalar.string }
        error(DiagnosticRule.type, "keys must be plain words, found \(describe(node))\(context.map { " in \($0)" } ?? "")",
              at: location(node))
        return nil
    }

    /// The value as a string, or nil with a `MANIFEST_TYPE` diagnostic.
    mutating func string(_ node: Node, field: String, item: String?) -> String? {
        if case .scalar(let scalar) = node, node.tag.rawValue == Tag.Name.str.rawValue { return scalar.string }
        var hint: String?
        if case .scalar(let scalar) = node, !scalar.string.isEmpty { hint = "put the value in quotes: \"\(scalar.string)\"" }
        error(DiagnosticRule.type, "`\(field)` must be a string, found \(describe(node))", hint: hint,
              at: location(node), item: item, field: field)
        return nil
    }

    mutating func jsonValue(_ node: Node, item: String?, field: String) -> JSONValue? {
        switch node {
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
                if let number = node.float, number.isFinite { return .number(number) }
                return .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let list):
            var values: [JSONValue] = []
            for (index, element) in list.enumerated() {
                if let value = jsonValue(element, item: item, field: "\(field)[\(index)]") { values.append(value) }
            }
            return .array(values)
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (keyNode, value) in mapping {
                guard let key = keyName(keyNode, context: field) else { continue }
                if let json = jsonValue(value, item: item, field: "\(field).\(key)") { object[key] = json }
            }
            return .object(object)
        case .alias:
            error(DiagnosticRule.type, "`\(field)` uses a YAML alias, which manifests do not support",
                  hint: "write the value out in full", at: location(node), item: item, field: field)
            return nil
        }
    }

    mutating func unknownKey(_ key: String, at location: SourceLocation, known: [String], item: String?, field: String) {
        error(DiagnosticRule.unknownKey, "unknown key `\(key)`", hint: ManifestKeys.unknownKeyHint(key, known: known),
              at: location, item: item, field: field)
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return "nothing (null)"
            case Tag.Name.int.rawValue: return "the number \(scalar.string)"
            case Tag.Name.float.rawValue: return "the number \(scalar.string)"
            case Tag.Name.bool.rawValue: return "the boolean \(scalar.string)"
            case Tag.Name.str.rawValue: return "the string \"\(scalar.string)\""
            default: return "`\(scalar.string)`"
            }
        }
    }
}
