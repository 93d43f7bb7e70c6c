/// A failure as data: a stable code, the item and stage it belongs to, a message a person can
/// act on, an optional hint, and whether trying again may help.
///
/// One item's `IngestError` never stops other items; the runner records it in the journal and
/// the report. Messages never contain secrets.
public struct IngestError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Stable, upper-snake-case code, e.g. `SKYLARK_FORM_VALIDATION` (see `ErrorCode`); safe as a metric label.
    public var code: ErrorCode
    /// The manifest item id, when the failure belongs to one item.
    public var item: String?
    /// The stage that failed, when known.
    public var stage: Stage?
    /// What went wrong, in words a user can act on.
    public var message: String
    /// How to fix it, when there is something useful to say.
    public var hint: String?
    /// Whether the same operation may succeed if tried again later.
    public var retryable: Bool

    /// An error; `retryable` defaults to the code's (`ErrorCode.retryable`).
    public init(code: ErrorCode, item: String? = nil, stage: Stage? = nil, message: String,
                hint: String? = nil, retryable: Bool? = nil) {
        self.code = code
        self.item = item
        self.stage = stage
        self.message = message
        self.hint = hint
        self.retryable = retryable ?? code.retryable
    }

    /// This error attributed to `item` at `stage` (keeps values already set).
    public func attributed(item: String?, stage: Stage?) -> IngestError {
        var copy = self
        if copy.item == nil { copy.item = item }
        if copy.stage == nil { copy.stage = stage }
        return copy
    }

    public var description: String {
        var text = "[\(code)]"
        if let item { text += " \(item)" }
        if let stage { text += " (\(stage.rawValue))" }
        text += ": \(message)"
        if let hint { text += " — \(hint)" }
        return text
    }
}

/// Anything that can be turned into an `IngestError` (S3, HTTP and Skylark errors conform).
public protocol IngestErrorConvertible: Error {
    /// The error as an `IngestError`.
    var ingestError: IngestError { get }
}

extension IngestError: IngestErrorConvertible {
    public var ingestError: IngestError { self }
}
