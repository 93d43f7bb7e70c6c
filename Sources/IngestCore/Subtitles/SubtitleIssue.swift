/// One problem in a subtitle file, located at the subtitle file's own line and column (1-based;
/// columns count Unicode scalars, a leading byte order mark is not counted).
public struct SubtitleIssue: Sendable, Hashable {
    /// A diagnostic rule id such as `SUBTITLE_TIMESTAMP` (see `SubtitleRule`).
    public var rule: String
    /// 1-based line in the subtitle file.
    public var line: Int
    /// 1-based column (in Unicode scalars) on that line.
    public var column: Int
    /// What is wrong, quoting the offending text where that helps.
    public var message: String
    /// How to fix it, when there is something useful to say.
    public var hint: String?

    public init(rule: String, line: Int, column: Int, message: String, hint: String? = nil) {
        self.rule = rule
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }
}

/// The outcome of checking one subtitle file.
public struct SubtitleCheckResult: Sendable, Hashable {
    /// Cues that were recognised (a timing line was found), whether or not they had problems.
    public var cueCount: Int
    /// Every problem found, in file order.
    public var issues: [SubtitleIssue]

    public init(cueCount: Int, issues: [SubtitleIssue]) {
        self.cueCount = cueCount
        self.issues = issues
    }

    /// Whether the file has no problem.
    public var isValid: Bool { issues.isEmpty }
}

/// The rule ids the subtitle checker reports (shared with manifest validation).
public enum SubtitleRule {
    /// The file's extension is not `.srt` or `.vtt` (reported by validation, not by the checker).
    public static let format = "SUBTITLE_FORMAT"
    /// The bytes are not UTF-8.
    public static let encoding = "SUBTITLE_ENCODING"
    /// The file holds no cue.
    public static let empty = "SUBTITLE_EMPTY"
    /// Structure: cue number, missing blank line, missing `WEBVTT` header, text where a timing line belongs.
    public static let syntax = "SUBTITLE_SYNTAX"
    /// A malformed timestamp or timing separator.
    public static let timestamp = "SUBTITLE_TIMESTAMP"
    /// A cue whose end is not after its start.
    public static let timing = "SUBTITLE_TIMING"
    /// A cue that starts before the previous cue's start.
    public static let order = "SUBTITLE_ORDER"
}
