import IngestCore

/// Invariants every checker result must satisfy, whatever the input; a violation traps so
/// libFuzzer records the input as a crash.
public enum SubtitleInvariants {
    /// The rule ids the checker may report.
    static let rules: Set<String> = [SubtitleRule.encoding, SubtitleRule.empty, SubtitleRule.syntax,
                                     SubtitleRule.timestamp, SubtitleRule.timing, SubtitleRule.order]

    /// Checks `bytes` as `format` and verifies the result.
    public static func run(_ bytes: [UInt8], format: SubtitleFormat) {
        let result = SubtitleChecker.check(bytes, format: format)
        let lineCount = bytes.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
        var previous = (line: 0, column: 0)
        for issue in result.issues {
            precondition(rules.contains(issue.rule), "unknown rule \(issue.rule)")
            precondition(issue.line >= 1 && issue.line <= lineCount, "line \(issue.line) outside 1...\(lineCount)")
            precondition(issue.column >= 1 && issue.column <= bytes.count + 1, "column \(issue.column) out of range")
            precondition(!issue.message.isEmpty, "empty message")
            precondition(issue.message.count <= 400, "message too long: \(issue.message.count)")
            // Issues come in file order (by line).
            precondition(issue.line >= previous.line, "issues out of order")
            previous = (issue.line, issue.column)
        }
        precondition(result.cueCount >= 0)
        if result.issues.isEmpty { precondition(result.cueCount > 0, "a valid file must have a cue") }
        // Determinism: the same bytes give the same answer.
        precondition(SubtitleChecker.check(bytes, format: format).issues == result.issues, "nondeterministic")
    }
}
