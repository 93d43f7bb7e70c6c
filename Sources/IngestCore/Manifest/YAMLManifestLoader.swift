import Yams

/// Loads the YAML form of a manifest from libyaml events (LibYAML inside Yams), one asset at a
/// time, keeping each value's line and column.
enum YAMLManifestLoader {
    static func load(text: String, path: String, paths: ManifestPaths) -> ManifestLoadResult {
        var text = text
        return text.withUTF8 { buffer in
            let stream = YAMLEventStream(buffer: buffer)
            var walker = YAMLManifestWalker(path: path, paths: paths)
            do throws(YAMLParseError) {
                let manifest = try walker.walkStream(stream)
                for duplicate in stream.duplicateKeys {
                    walker.diagnostics.append(.error(
                        DiagnosticRule.duplicateKey, "the key `\(DiagnosticText.escaped(duplicate.key))` is given twice in one mapping",
                        hint: "keep one of them", at: SourceLocation(file: path, line: duplicate.line, column: duplicate.column)))
                }
                return ManifestLoadResult(manifest: manifest, diagnostics: walker.diagnostics)
            } catch {
                // A syntax error (or an anchor/alias) stops the structure checks: it alone is reported, at its position.
                return ManifestLoadResult(manifest: nil, diagnostics: [syntaxDiagnostic(error, path: path)])
            }
        }
    }

    /// A `MANIFEST_SYNTAX` (or `MANIFEST_ENCODING`, or the error's own rule such as `YAML_ALIAS`)
    /// diagnostic at the position libyaml reported.
    static func syntaxDiagnostic(_ error: YAMLParseError, path: String) -> Diagnostic {
        let location = SourceLocation(file: path, line: error.line, column: error.column)
        if let rule = error.rule { return .error(rule, error.problem, hint: error.hint, at: location) }
        if error.isReaderError {
            return .error(DiagnosticRule.encoding, "the YAML cannot be read: \(error.problem)",
                          hint: "save the manifest as UTF-8 text", at: location)
        }
        var message = "invalid YAML: \(error.problem)"
        if let context = error.context {
            message += " (\(context) at line \(error.contextLine), column \(error.contextColumn))"
        }
        return .error(DiagnosticRule.syntax, message, hint: syntaxHint(error.problem), at: location)
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

/// Turns composed nodes into the model, collecting diagnostics.
struct YAMLManifestWalker {
    let path: String
    let paths: ManifestPaths
    var diagnostics: [Diagnostic] = []

    init(path: String, paths: ManifestPaths) {
        self.path = path
        self.paths = paths
    }

    func location(_ node: YAMLNode) -> SourceLocation {
        let (line, column) = node.position
        return SourceLocation(file: path, line: line, column: column)
    }

    mutating func error(_ rule: String, _ message: String, hint: String? = nil, at location: SourceLocation,
                        item: String? = nil, field: String? = nil) {
        diagnostics.append(.error(rule, message, hint: hint, at: location, item: item, field: field))
    }

    /// Reads the whole stream: the top-level mapping, composing and converting each asset on its own.
    mutating func walkStream(_ stream: YAMLEventStream) throws(YAMLParseError) -> Manifest? {
        let start = SourceLocation(file: path, line: 1, column: 1)
        _ = try stream.next()   // stream start
        let first = try stream.next()
        if case .streamEnd = first.kind {
            error(DiagnosticRule.empty, "the manifest is empty", hint: "start with `version: 1` and an `assets:` list",
                  at: start)
            return nil
        }
        let rootEvent = try stream.next()   // after document start
        guard case .mappingStart = rootEvent.kind else {
            let root = try stream.compose(rootEvent)
            try finishDocument(stream)
            if root.scalarType == .null {
                error(DiagnosticRule.empty, "the manifest is empty", hint: "start with `version: 1` and an `assets:` list",
                      at: start)
            } else {
                error(DiagnosticRule.type, "the manifest must be a mapping with `version` and `assets`, found \(describe(root))",
                      at: location(root))
            }
            return nil
        }
        let rootLocation = SourceLocation(file: path, line: rootEvent.line, column: rootEvent.column)
        var version: Int?
        var defaults = ManifestDefaults()
        var sawAssets = false
        var assetsAreList = false
        var assets: [ManifestAsset] = []
        while true {
            let keyEvent = try stream.next()
            if case .mappingEnd = keyEvent.kind { break }
            let keyNode = try stream.compose(keyEvent)
            let key = keyName(keyNode, context: nil)
            if key == "assets" {
                sawAssets = true
                let valueEvent = try stream.next()
                if case .sequenceStart = valueEvent.kind {
                    assetsAreList = true
                    var index = 0
                    while true {
                        let itemEvent = try stream.next()
                        if case .sequenceEnd = itemEvent.kind { break }
                        let item = try stream.compose(itemEvent)
                        if let asset = walkAsset(item, index: index) { assets.append(asset) }
                        index += 1
                    }
                    if index == 0 {
                        error(DiagnosticRule.empty, "`assets` is empty", hint: "list at least one asset under `assets:`",
                              at: SourceLocation(file: path, line: valueEvent.line, column: valueEvent.column), field: "assets")
                    }
                } else {
                    let value = try stream.compose(valueEvent)
                    if value.scalarType == .null {
                        error(DiagnosticRule.empty, "`assets` is empty", hint: "list at least one asset under `assets:`",
                              at: location(value), field: "assets")
                    } else {
                        error(DiagnosticRule.type, "`assets` must be a list, found \(describe(value))",
                              hint: "start each asset with `- id: ...`", at: location(value), field: "assets")
                    }
                }
                continue
            }
            let value = try stream.compose(try stream.next())
            guard let key else { continue }
            switch key {
            case "version":
                if case .scalar(let scalar) = value, value.scalarType == .int, let number = Int(scalar.string) {
                    version = number
                    if number != ManifestKeys.supportedVersion {
                        error(DiagnosticRule.version, "unsupported manifest version \(number)",
                              hint: "this tool reads `version: 1`", at: location(value), field: "version")
                    }
                } else {
                    error(DiagnosticRule.version, "`version` must be the number 1, found \(describe(value))",
                          hint: "write `version: 1`", at: location(value), field: "version")
                    version = -1
                }
            case "defaults":
                defaults = walkDefaults(value)
            default:
                unknownKey(key, at: location(keyNode), known: ManifestKeys.topLevel, item: nil, field: key)
            }
        }
        try finishDocument(stream)
        if version == nil {
            error(DiagnosticRule.version, "the manifest has no `version`", hint: "add `version: 1` at the top",
                  at: start, field: "version")
        }
        guard sawAssets else {
            error(DiagnosticRule.missingField, "the manifest has no `assets` list",
                  hint: "add `assets:` with one entry per video", at: rootLocation, field: "assets")
            return nil
        }
        guard assetsAreList else { return nil }
        // Defaults apply after reading, so `defaults:` may come before or after `assets:`.
        for index in assets.indices { applyDefaults(defaults, to: &assets[index]) }
        return Manifest(path: path, format: .yaml, version: version ?? ManifestKeys.supportedVersion,
                        defaults: defaults, assets: assets)
    }

    /// Consumes the document end and checks that no second document follows.
    private func finishDocument(_ stream: YAMLEventStream) throws(YAMLParseError) {
        _ = try stream.next()   // document end
        let next = try stream.next()
        if case .documentStart = next.kind {
            throw YAMLParseError(problem: "expected a single document in the stream, found another (`---`)",
                                 line: next.line, column: next.column, context: nil, contextLine: 0, contextColumn: 0,
                                 isReaderError: false)
        }
    }

    /// Fills `defaults` into an advanced asset; reports subtitles left without a language.
    mutating func applyDefaults(_ defaults: ManifestDefaults, to asset: inout ManifestAsset) {
        if asset.mode == .advanced, asset.assetType == nil { asset.assetType = defaults.assetType }
        for index in asset.subtitles.indices where asset.subtitles[index].language.isEmpty {
            // An explicit (empty) `language:` is LANGUAGE_INVALID, reported by the rules.
            guard asset.fieldLocations["subtitles[\(index)].language"] == nil else { continue }
            if let language = defaults.language {
                asset.subtitles[index].language = language
            } else {
                error(DiagnosticRule.languageMissing,
                      "subtitle \(index + 1) has no `language` and there is no `defaults.language`",
                      hint: "add `language: en-gb` (BCP 47) here or under `defaults:`",
                      at: asset.fieldLocations["subtitles[\(index)]"] ?? asset.subtitles[index].location,
                      item: asset.id, field: "subtitles[\(index)].language")
            }
        }
    }

    mutating func walkDefaults(_ node: YAMLNode) -> ManifestDefaults {
        var defaults = ManifestDefaults()
        guard case .mapping(let mapping) = node else {
            error(DiagnosticRule.type, "`defaults` must be a mapping, found \(describe(node))", at: location(node),
                  field: "defaults")
            return defaults
        }
        for (keyNode, value) in mapping.pairs {
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
                        error(DiagnosticRule.languageInvalid, "`\(DiagnosticText.escaped(language))` is not a well-formed BCP 47 language tag: \(problem)",
                              hint: "use a tag like `en-gb` or `fr`", at: location(value), field: "defaults.language")
                    } else {
                        diagnostics += LanguageRules.registryDiagnostics(language, at: location(value), item: nil,
                                                                         field: "defaults.language")
                    }
                }
            default:
                unknownKey(key, at: location(keyNode), known: ManifestKeys.defaults, item: nil, field: "defaults.\(key)")
            }
        }
        return defaults
    }

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
        var locations = FieldLocations()
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
            asset.subtitles = walkSubtitles(subtitleNodes, item: item, locations: &locations)
        }
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
            subtitles.append(ManifestSubtitle(file: file, path: paths.absolute(file), language: language ?? "",
                                              title: title, location: locations["\(field).file"] ?? entryLocation))
        }
        return subtitles
    }

    // MARK: - Values

    /// The key's text, or nil (with a diagnostic) when the key is not a plain string.
    mutating func keyName(_ node: YAMLNode, context: String?) -> String? {
        if case .scalar(let scalar) = node { return scalar.string }
        error(DiagnosticRule.type, "keys must be plain words, found \(describe(node))\(context.map { " in \(DiagnosticText.escaped($0, limit: 120))" } ?? "")",
              at: location(node))
        return nil
    }

    /// The value as a string, or nil with a `MANIFEST_TYPE` diagnostic.
    mutating func string(_ node: YAMLNode, field: String, item: String?) -> String? {
        if case .scalar(let scalar) = node, scalar.type == .str { return scalar.string }
        var hint: String?
        if case .scalar(let scalar) = node, !scalar.string.isEmpty { hint = "put the value in quotes: \(DiagnosticText.quoted(scalar.string))" }
        error(DiagnosticRule.type, "`\(field)` must be a string, found \(describe(node))", hint: hint,
              at: location(node), item: item, field: field)
        return nil
    }

    mutating func jsonValue(_ node: YAMLNode, item: String?, field: String) -> JSONValue? {
        switch node {
        case .scalar(let scalar):
            switch scalar.type {
            case .null: return .null
            case .bool: return scalar.yamsNode.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int, .float:
                if let number = scalar.yamsNode.float, number.isFinite { return .number(number) }
                return .string(scalar.string)
            case .str, .other: return .string(scalar.string)
            }
        case .sequence(let list):
            var values: [JSONValue] = []
            for (index, element) in list.items.enumerated() {
                if let value = jsonValue(element, item: item, field: "\(field)[\(index)]") { values.append(value) }
            }
            return .array(values)
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (keyNode, value) in mapping.pairs {
                guard let key = keyName(keyNode, context: field) else { continue }
                if let json = jsonValue(value, item: item, field: "\(field).\(key)") { object[key] = json }
            }
            return .object(object)
        }
    }

    mutating func unknownKey(_ key: String, at location: SourceLocation, known: [String], item: String?, field: String) {
        error(DiagnosticRule.unknownKey, "unknown key `\(DiagnosticText.escaped(key))`", hint: ManifestKeys.unknownKeyHint(key, known: known),
              at: location, item: item, field: field)
    }

    func describe(_ node: YAMLNode) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            switch scalar.type {
            case .null: return "nothing (null)"
            case .int, .float: return "the number \(DiagnosticText.escaped(scalar.string))"
            case .bool: return "the boolean \(DiagnosticText.escaped(scalar.string))"
            case .str: return "the string \(DiagnosticText.quoted(scalar.string))"
            case .other: return "`\(DiagnosticText.escaped(scalar.string))`"
            }
        }
    }
}
