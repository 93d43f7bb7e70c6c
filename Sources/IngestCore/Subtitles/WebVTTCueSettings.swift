/// Checks WebVTT cue settings (`vertical`, `line`, `position`, `size`, `align`, `region`) after a timing.
enum WebVTTCueSettings {
    /// Appends a `SUBTITLE_SYNTAX` issue for every setting that is unknown or has a malformed value.
    static func check(_ text: SubtitleText, _ line: SubtitleText.Line, from offset: Int, timing: CueTimingParser,
                      into issues: inout [SubtitleIssue]) {
        var i = offset
        var seen: Set<String> = []
        while i < line.end {
            while i < line.end, isSpace(text.bytes[i]) { i += 1 }
            let tokenStart = i
            while i < line.end, !isSpace(text.bytes[i]) { i += 1 }
            guard i > tokenStart else { break }
            let token = text.excerpt(tokenStart, i, limit: Int.max)
            let shown = text.shown(tokenStart, i, limit: 40)
            guard let colon = token.firstIndex(of: ":"), colon != token.startIndex,
                  token.index(after: colon) != token.endIndex else {
                issues.append(timing.issue(SubtitleRule.syntax, line, tokenStart,
                                           "malformed cue setting '\(shown)'; expected name:value",
                                           hint: "cue settings are vertical, line, position, size, align and region"))
                continue
            }
            let name = String(token[..<colon])
            let value = String(token[token.index(after: colon)...])
            if let problem = problem(name: name, value: value) {
                issues.append(timing.issue(SubtitleRule.syntax, line, tokenStart, "cue setting '\(shown)': \(problem)",
                                           hint: "cue settings are vertical, line, position, size, align and region"))
            } else if !seen.insert(name).inserted {
                issues.append(timing.issue(SubtitleRule.syntax, line, tokenStart,
                                           "cue setting '\(DiagnosticText.escaped(name))' is given twice"))
            }
        }
    }

    /// What is wrong with `name:value`, or nil when it is valid.
    static func problem(name: String, value: String) -> String? {
        switch name {
        case "vertical":
            return ["rl", "lr"].contains(value) ? nil : "vertical takes rl or lr"
        case "line":
            let parts = value.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            guard isPercentage(parts[0]) || isLineNumber(parts[0]) else {
                return "line takes a number or a percentage"
            }
            if parts.count == 2, !["start", "center", "end"].contains(parts[1]) {
                return "line alignment is start, center or end"
            }
            return nil
        case "position":
            let parts = value.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            guard isPercentage(parts[0]) else { return "position takes a percentage" }
            if parts.count == 2, !["line-left", "center", "line-right", "start", "middle", "end"].contains(parts[1]) {
                return "position alignment is line-left, center or line-right"
            }
            return nil
        case "size":
            return isPercentage(Substring(value)) ? nil : "size takes a percentage"
        case "align":
            return ["start", "center", "end", "left", "right", "middle"].contains(value)
                ? nil : "align takes start, center, end, left or right"
        case "region":
            return nil
        default:
            return "unknown cue setting '\(DiagnosticText.escaped(name))'"
        }
    }

    /// `DIGITS[.DIGITS]%` with a value from 0 to 100.
    static func isPercentage(_ s: Substring) -> Bool {
        guard s.hasSuffix("%") else { return false }
        let number = s.dropLast()
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isDigit) }) else { return false }
        guard parts[0].count <= 3, let whole = Int(parts[0]) else { return false }
        let fractionNonZero = parts.count == 2 && parts[1].utf8.contains { $0 != UInt8(ascii: "0") }
        return whole < 100 || (whole == 100 && !fractionNonZero)
    }

    /// `[-]DIGITS` (a line number; negative counts from the bottom).
    static func isLineNumber(_ s: Substring) -> Bool {
        let digits = s.hasPrefix("-") ? s.dropFirst() : s
        return !digits.isEmpty && digits.utf8.allSatisfy(isDigit)
    }
}
