/// Loads the CSV form of a manifest: a header row, then one row per asset.
///
/// Columns: `id, mode, uid, title, slug, asset_type, video, key`, `subtitle.<language>` (cell =
/// file path, empty = none) and `field.<name>` (extra asset fields, sent as strings). Empty cells
/// are absent values. CSV has no `defaults` block and no `version`.
enum CSVManifestLoader {
    private enum Column {
        case base(String)
        /// `key` is the `fieldLocations` key, built once per column rather than once per row.
        case subtitle(language: String, key: String)
        case field(name: String, key: String)
        case ignored

        /// The `fieldLocations` key of the column's cells.
        var locationKey: String? {
            switch self {
            case .base(let name): return name
            case .subtitle(_, let key), .field(_, let key): return key
            case .ignored: return nil
            }
        }
    }

    static func load(bytes: ArraySlice<UInt8>, path: String, paths: ManifestPaths) -> ManifestLoadResult {
        var diagnostics: [Diagnostic] = []
        var columns: [Column] = []
        // Every row's field locations share one table of the columns' keys.
        var locationKeys = FieldLocations()
        var header: [CSVCell] = []
        var assets: [ManifestAsset] = []
        // One row per line (fewer when cells span lines): reserved up front, the item array never
        // grows by copying, which at its last doubling held the old and the new array at once.
        assets.reserveCapacity(bytes.withUnsafeBufferPointer { buffer in buffer.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } })
        var sawHeader = false
        var columnsOK = true
        let delimiter = detectDelimiter(bytes)
        if delimiter != .comma {
            diagnostics.append(.warning(DiagnosticRule.csvDelimiter,
                                        "the header is separated by \(delimiter.name), not `,`: the file was read with \(delimiter.name) as the delimiter",
                                        hint: "save the manifest as comma-separated CSV (RFC 4180) to silence this warning",
                                        at: SourceLocation(file: path, line: 1, column: 1)))
        }
        do throws(CSVSyntaxError) {
            try CSVParser.parse(bytes, delimiter: delimiter) { cells, line in
                if !sawHeader {
                    sawHeader = true
                    header = cells
                    columns = classify(cells, path: path, diagnostics: &diagnostics, ok: &columnsOK)
                    locationKeys = FieldLocations(keys: columns.compactMap(\.locationKey))
                    return
                }
                guard columnsOK else { return }
                if cells.count != columns.count {
                    diagnostics.append(.error(
                        DiagnosticRule.syntax, "this row has \(cells.count) cells but the header has \(columns.count) columns",
                        hint: delimiter == .comma ? "quote cells that contain commas; every row needs one cell per column"
                            : "quote cells that contain \(delimiter.name); every row needs one cell per column",
                        at: SourceLocation(file: path, line: line, column: 1)))
                    return
                }
                if let asset = row(cells, line: line, columns: columns, locationKeys: locationKeys, path: path,
                                    paths: paths, diagnostics: &diagnostics) {
                    assets.append(asset)
                }
            }
        } catch {
            diagnostics.append(.error(DiagnosticRule.syntax, "invalid CSV: \(error.message)", hint: error.hint,
                                      at: SourceLocation(file: path, line: error.line, column: error.column)))
            return ManifestLoadResult(manifest: nil, diagnostics: diagnostics)
        }
        let start = SourceLocation(file: path, line: 1, column: 1)
        if !sawHeader {
            diagnostics.append(.error(DiagnosticRule.empty, "the manifest is empty",
                                      hint: "start with a header row: `id,title,video`", at: start))
            return ManifestLoadResult(manifest: nil, diagnostics: diagnostics)
        }
        guard columnsOK else { return ManifestLoadResult(manifest: nil, diagnostics: diagnostics) }
        _ = header
        if assets.isEmpty && !diagnostics.contains(where: { $0.rule == DiagnosticRule.syntax || $0.rule == DiagnosticRule.missingField }) {
            diagnostics.append(.error(DiagnosticRule.empty, "the manifest has a header but no asset rows",
                                      hint: "add one row per asset below the header", at: start))
        }
        return ManifestLoadResult(manifest: Manifest(path: path, format: .csv, assets: assets), diagnostics: diagnostics)
    }

    /// The header's delimiter: `,` unless the header has no `,` and splits on `;` or TAB into two or
    /// more cells that are all known column names (as spreadsheets in many locales save CSV).
    static func detectDelimiter(_ bytes: ArraySlice<UInt8>) -> CSVParser.Delimiter {
        // A header that is valid comma-separated CSV with two or more cells is read as such.
        if let header = CSVParser.firstRecord(bytes, delimiter: .comma), header.count != 1 { return .comma }
        for candidate in [CSVParser.Delimiter.semicolon, .tab] {
            guard let cells = CSVParser.firstRecord(bytes, delimiter: candidate), cells.count >= 2 else { continue }
            if cells.allSatisfy({ isKnownColumn($0.value.trimmingSpaces()) }) { return candidate }
        }
        return .comma
    }

    /// Whether `name` is a column the header may have (`subtitle.<language>` and `field.<name>` by shape).
    private static func isKnownColumn(_ name: String) -> Bool {
        ManifestKeys.csvColumns.contains(name) || (name.hasPrefix("subtitle.") && name.count > "subtitle.".count)
            || (name.hasPrefix("field.") && name.count > "field.".count)
    }

    /// Maps header cells to columns; unknown, duplicate and missing required columns are reported.
    private static func classify(_ cells: [CSVCell], path: String, diagnostics: inout [Diagnostic],
                                 ok: inout Bool) -> [Column] {
        var columns: [Column] = []
        var seen: [String: CSVCell] = [:]
        for cell in cells {
            let name = cell.value.trimmingSpaces()
            let location = SourceLocation(file: path, line: cell.line, column: cell.column)
            if let first = seen[name] {
                diagnostics.append(.error(DiagnosticRule.duplicateKey,
                                          "the column `\(DiagnosticText.escaped(name))` appears twice (first at column \(first.column))",
                                          hint: "keep one of them", at: location, field: name))
                columns.append(.ignored)
                ok = false
                continue
            }
            seen[name] = cell
            if ManifestKeys.csvColumns.contains(name) {
                columns.append(.base(name))
            } else if name.hasPrefix("subtitle.") {
                let language = String(name.dropFirst("subtitle.".count))
                if let problem = BCP47.problem(language) {
                    diagnostics.append(.error(DiagnosticRule.languageInvalid,
                                              "`\(DiagnosticText.escaped(language))` in column `\(DiagnosticText.escaped(name))` is not a well-formed BCP 47 language tag: \(problem)",
                                              hint: "name the column like `subtitle.en-gb`", at: location, field: name))
                } else {
                    diagnostics += LanguageRules.registryDiagnostics(language, at: location, item: nil, field: name)
                }
                columns.append(.subtitle(language: language, key: "subtitle.\(language)"))
            } else if name.hasPrefix("field.") && name.count > "field.".count {
                let field = String(name.dropFirst("field.".count))
                columns.append(.field(name: field, key: "fields.\(field)"))
            } else {
                let known = ManifestKeys.csvColumns + ["subtitle.<language>", "field.<name>"]
                var hint = ManifestKeys.unknownKeyHint(name, known: ManifestKeys.csvColumns + ["subtitle", "field"])
                if name.hasPrefix("subtitle") || name.hasPrefix("subtitles") {
                    hint = "subtitle columns are named `subtitle.<language>`, e.g. `subtitle.en-gb`"
                } else if ManifestKeys.suggestion(for: name, among: ManifestKeys.csvColumns) == nil,
                          !name.hasPrefix("field") {
                    hint = "known columns: " + known.map { "`\($0)`" }.joined(separator: ", ")
                }
                diagnostics.append(.error(DiagnosticRule.unknownKey, "unknown column `\(DiagnosticText.escaped(name))`", hint: hint,
                                          at: location, field: name))
                columns.append(.ignored)
                ok = false
            }
        }
        for required in ["id", "video"] where seen[required] == nil {
            diagnostics.append(.error(DiagnosticRule.missingField, "the header has no `\(required)` column",
                                      hint: "add a `\(required)` column", at: SourceLocation(file: path, line: 1, column: 1),
                                      field: required))
            ok = false
        }
        return columns
    }

    private static func row(_ cells: [CSVCell], line: Int, columns: [Column], locationKeys: FieldLocations, path: String,
                            paths: ManifestPaths, diagnostics: inout [Diagnostic]) -> ManifestAsset? {
        let rowLocation = SourceLocation(file: path, line: line, column: 1)
        var asset = ManifestAsset(id: "", video: "", videoPath: "", location: rowLocation)
        var locations = FieldLocations(sharingKeysOf: locationKeys)
        var id: String?
        var modeText: String?
        for (index, column) in columns.enumerated() {
            let cell = cells[index]
            guard !cell.value.isEmpty else { continue }
            let location = SourceLocation(file: path, line: cell.line, column: cell.column)
            switch column {
            case .base(let name):
                locations[name] = location
                switch name {
                case "id": id = cell.value
                case "mode": modeText = cell.value
                case "uid": asset.uid = cell.value
                case "title": asset.title = cell.value
                case "slug": asset.slug = cell.value
                case "asset_type": asset.assetType = cell.value
                case "video": asset.video = cell.value
                case "key": asset.key = cell.value
                default: break
                }
            case .subtitle(let language, let key):
                locations[key] = location
                asset.subtitleList.append(ManifestSubtitle(file: cell.value, pathStorage: .folder(paths.absoluteFolder),
                                                        language: language, location: location))
            case .field(let name, let key):
                locations[key] = location
                asset.fieldList[name] = .string(cell.value)
            case .ignored:
                break
            }
        }
        if let modeText {
            if let mode = IngestMode(rawValue: modeText) {
                asset.mode = mode
            } else {
                diagnostics.append(.error(DiagnosticRule.modeInvalid, "`mode` must be `advanced` or `simple`, found `\(DiagnosticText.escaped(modeText))`",
                                          hint: "leave the cell empty for `advanced`", at: locations["mode"] ?? rowLocation,
                                          item: id, field: "mode"))
            }
        }
        if id == nil {
            diagnostics.append(.error(DiagnosticRule.missingField, "this row has no `id`",
                                      hint: "give every row a unique `id`", at: rowLocation, field: "id"))
        }
        if asset.video.isEmpty {
            diagnostics.append(.error(DiagnosticRule.missingField, "this row has no `video`",
                                      hint: "put the video's path (relative to the manifest's folder) in the `video` column",
                                      at: rowLocation, item: id, field: "video"))
        }
        guard let id, !asset.video.isEmpty else { return nil }
        asset.id = id
        asset.videoPathStorage = .folder(paths.absoluteFolder)
        locations.shrinkToFit()
        asset.fieldLocations = locations
        return asset
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
