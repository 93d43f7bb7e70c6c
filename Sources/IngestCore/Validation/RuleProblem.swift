/// A rule a value breaks, before it is placed in a file: the rule id, what is wrong and how to fix it.
/// The manifest rules turn it into a `Diagnostic`; the `upload` command prints it as a usage error.
public struct RuleProblem: Sendable, Hashable, CustomStringConvertible {
    /// Stable UPPER_SNAKE rule id (`KEY_INVALID`, `UID_INVALID`, …).
    public var rule: String
    /// What is wrong; user text in it is escaped with `DiagnosticText`.
    public var message: String
    /// How to fix it.
    public var hint: String?

    public init(rule: String, message: String, hint: String? = nil) {
        self.rule = rule
        self.message = message
        self.hint = hint
    }

    /// `RULE: message (hint: …)`, for one-line output outside a manifest.
    public var description: String {
        "\(rule): \(message)" + (hint.map { " (hint: \($0))" } ?? "")
    }
}
