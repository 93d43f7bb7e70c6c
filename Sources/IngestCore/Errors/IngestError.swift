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
    /// Whether a write that failed this way may still land afterwards: its answer was lost on the way (a reset, a
    /// timeout, a gateway's 502/504) rather than given by the server that owns the write. Such a write is read
    /// back only once it has settled (`RetryPolicy.settle`). The code's (`ErrorCode.answerMayBeLost`) unless the
    /// error that knows better said (S3's own errors know the HTTP status and what it means).
    public var answerMayBeLost: Bool {
        get { answerLost ?? code.answerMayBeLost }
        set { answerLost = newValue }
    }
    /// What the error said about its answer; nil: the code's default. Not encoded (it matters only to the
    /// run that saw the failure, which reads the write back).
    private var answerLost: Bool?

    /// An error; `retryable` and `answerMayBeLost` default to the code's (`ErrorCode.retryable`,
    /// `ErrorCode.answerMayBeLost`).
    public init(code: ErrorCode, item: String? = nil, stage: Stage? = nil, message: String,
                hint: String? = nil, retryable: Bool? = nil, answerMayBeLost: Bool? = nil) {
        self.code = code
        self.item = item
        self.stage = stage
        self.message = message
        self.hint = hint
        self.retryable = retryable ?? code.retryable
        self.answerLost = answerMayBeLost
    }

    private enum CodingKeys: String, CodingKey {
        case code, item, stage, message, hint, retryable
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
