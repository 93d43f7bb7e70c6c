import Yams

/// Loads the YAML form of a manifest from libyaml events (LibYAML inside Yams), one asset at a
/// time, keeping each value's line and column.
enum YAMLManifestLoader {
    /// Loads UTF-8 `buffer` (no byte order mark), which must stay valid for the call.
    static func load(buffer: UnsafeBufferPointer<UInt8>, path: String, paths: ManifestPaths) -> ManifestLoadResult {
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
    /// The field-location key names every new item starts with (`FieldLocations(sharingKeysOf:)`):
    /// the keys seen so far, so items share one table of them.
    var locationKeys = FieldLocations()

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
}
