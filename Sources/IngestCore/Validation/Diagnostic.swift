/// How serious a diagnostic is: errors make a manifest invalid, warnings do not.
public enum Severity: String, Sendable, Codable, Hashable {
    case error
    case warning
}

/// One problem found in a manifest or in a file it names, with its position and rule id.
public struct Diagnostic: Sendable, Hashable, Codable {
    public var severity: Severity
    /// Stable UPPER_SNAKE rule id, e.g. `ID_DUPLICATE` (see `DiagnosticRule`).
    public var rule: String
    /// What is wrong, in words an editor can act on.
    public var message: String
    /// How to fix it, when there is something useful to say.
    public var hint: String?
    /// Where the problem is: the manifest position, or a subtitle file's own line.
    public var location: SourceLocation
    /// The manifest item the problem belongs to, when known.
    public var itemID: String?
    /// The field the problem belongs to (`id`, `subtitles[1].language`, `subtitle.fr`, …), when known.
    public var field: String?

    public init(_ severity: Severity = .error, rule: String, message: String, hint: String? = nil,
                location: SourceLocation, itemID: String? = nil, field: String? = nil) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.hint = hint
        self.location = location
        self.itemID = itemID
        self.field = field
    }

    /// An error diagnostic.
    public static func error(_ rule: String, _ message: String, hint: String? = nil, at location: SourceLocation,
                             item: String? = nil, field: String? = nil) -> Diagnostic {
        Diagnostic(.error, rule: rule, message: message, hint: hint, location: location, itemID: item, field: field)
    }

    /// A warning diagnostic.
    public static func warning(_ rule: String, _ message: String, hint: String? = nil, at location: SourceLocation,
                               item: String? = nil, field: String? = nil) -> Diagnostic {
        Diagnostic(.warning, rule: rule, message: message, hint: hint, location: location, itemID: item, field: field)
    }

    /// `FILE:LINE:COL: error[RULE]: message (item "ID")` — the one-line text form. Every diagnostic of
    /// an item names it (as the JSON form's `item_id` does); the file, the message and the id are
    /// escaped (`DiagnosticText`), so the line shows no control, bidi or invisible character.
    public var formatted: String {
        var line = "\(DiagnosticText.escaped(location.file, limit: Int.max)):\(location.line):\(location.column): "
            + "\(severity.rawValue)[\(rule)]: \(DiagnosticText.escaped(message, limit: Int.max))"
        if let itemID { line += " (item \(DiagnosticText.quoted(itemID)))" }
        return line
    }
}

/// The rule ids shared by the loaders, the rules and the subtitle checks.
public enum DiagnosticRule {
    public static let syntax = "MANIFEST_SYNTAX"
    public static let encoding = "MANIFEST_ENCODING"
    public static let version = "MANIFEST_VERSION"
    public static let type = "MANIFEST_TYPE"
    public static let unknownKey = "MANIFEST_UNKNOWN_KEY"
    /// A key given twice in one YAML mapping, or a CSV column given twice.
    public static let duplicateKey = "MANIFEST_DUPLICATE_KEY"
    public static let missingField = "MANIFEST_MISSING_FIELD"
    public static let empty = "MANIFEST_EMPTY"
    /// A CSV manifest separated by `;` or TAB rather than `,` (read with it; a warning).
    public static let csvDelimiter = "CSV_DELIMITER"
    public static let fieldTooLong = "FIELD_TOO_LONG"
    public static let idInvalid = "ID_INVALID"
    public static let idDuplicate = "ID_DUPLICATE"
    public static let slugInvalid = "SLUG_INVALID"
    public static let slugDuplicate = "SLUG_DUPLICATE"
    public static let keyDuplicate = "KEY_DUPLICATE"
    public static let keyInvalid = "KEY_INVALID"
    public static let keyReserved = "KEY_RESERVED"
    public static let videoReused = "VIDEO_REUSED"
    public static let modeInvalid = "MODE_INVALID"
    public static let simpleModeExtras = "SIMPLE_MODE_EXTRAS"
    public static let titleRequired = ErrorCode.titleRequired.rawValue
    public static let uidInvalid = "UID_INVALID"
    public static let languageInvalid = "LANGUAGE_INVALID"
    public static let languageMissing = "LANGUAGE_MISSING"
    /// A well-formed tag whose language, script or region subtag is not registered (`zz`, `english`, `eng`).
    public static let languageUnknown = "LANGUAGE_UNKNOWN"
    /// A private-use subtag (`qaa`–`qtz`, …): a warning.
    public static let languagePrivateUse = "LANGUAGE_PRIVATE_USE"
    public static let subtitleLanguageDuplicate = "SUBTITLE_LANGUAGE_DUPLICATE"
    public static let metadataTooLarge = "METADATA_TOO_LARGE"
    public static let fileMissing = ErrorCode.fileMissing.rawValue
    public static let fileNotRegular = "FILE_NOT_REGULAR"
    public static let fileUnreadable = "FILE_UNREADABLE"
    public static let fileEmpty = "FILE_EMPTY"
    public static let videoNotAVideo = "VIDEO_NOT_A_VIDEO"
    public static let videoExtensionMismatch = "VIDEO_EXTENSION_MISMATCH"
    public static let subtitleFormat = "SUBTITLE_FORMAT"
    public static let subtitleEncoding = "SUBTITLE_ENCODING"
    public static let subtitleEmpty = "SUBTITLE_EMPTY"
    /// A subtitle file larger than `SubtitleLimits.maxBytes` (refused before it is read).
    public static let subtitleTooLarge = "SUBTITLE_TOO_LARGE"
    /// A YAML anchor (`&name`) or alias (`*name`): manifests do not support them.
    public static let yamlAlias = "YAML_ALIAS"
}

extension Diagnostic {
    /// This diagnostic as a `validate`-stage `IngestError` (code = rule id, message prefixed with the position).
    public var ingestError: IngestError {
        IngestError(code: ErrorCode(rawValue: rule), item: itemID, stage: .validate, message: "\(location): \(message)", hint: hint)
    }
}

extension ValidationResult {
    /// The errors (not warnings) kept in `diagnostics`, grouped by item id; diagnostics without an
    /// item are under `nil`. Beyond `maxDiagnostics` errors are only counted, not grouped.
    public var errorsByItem: [String?: [Diagnostic]] {
        Dictionary(grouping: diagnostics.filter { $0.severity == .error }, by: \.itemID)
    }
}
