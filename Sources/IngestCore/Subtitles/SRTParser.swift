/// Checks SubRip structure: blocks of a cue number, a `HH:MM:SS,mmm --> HH:MM:SS,mmm` timing line
/// and text lines, separated by blank lines.
///
/// Cue numbers must be non-negative integers that increase from cue to cue (gaps are fine).
/// Overlapping cues are allowed; a cue that starts before the previous cue's start is not.
struct SRTParser {
    let text: SubtitleText
    private let timing: CueTimingParser

    init(text: SubtitleText) {
        self.text = text
        timing = CueTimingParser(text: text, style: .srt)
    }

    /// Checks every cue, returning the cue count and the problems in file order.
    func check() -> SubtitleCheckResult {
        let lines = text.lines
        var issues: [SubtitleIssue] = []
        var cueCount = 0
        var lastNumber: Int?
        var lastStart: Int?
        var i = 0
        // Set when a text line already reported a missing blank line before the timing line at `i`.
        var missingNumberReported = false

        while i < lines.count {
            while i < lines.count, text.isBlank(lines[i]) { i += 1 }
            guard i < lines.count else { break }
            let first = lines[i]

            if let number = cueNumber(first) {
                if number < 0 {
                    issues.append(timing.issue(SubtitleRule.syntax, first, first.start,
                                               "cue number '\(text.shown(first, limit: 20))' is too large"))
                } else {
                    if let lastNumber, number <= lastNumber {
                        issues.append(timing.issue(SubtitleRule.syntax, first, first.start,
                                                   "cue number \(number) does not follow cue \(lastNumber)",
                                                   hint: "number the cues 1, 2, 3, … in file order"))
                    }
                    lastNumber = number
                }
                i += 1
                guard i < lines.count, !text.isBlank(lines[i]) else {
                    issues.append(timing.issue(SubtitleRule.syntax, first, first.start,
                                               "cue \(text.shown(first, limit: 20)) has no timing line",
                                               hint: "follow the cue number with HH:MM:SS,mmm --> HH:MM:SS,mmm"))
                    continue
                }
            } else if timing.looksLikeTiming(first) {
                if !missingNumberReported {
                    issues.append(timing.issue(SubtitleRule.syntax, first, first.start,
                                               "the timing line is not preceded by a cue number",
                                               hint: "put the cue number on its own line before the timing line"))
                }
            } else {
                issues.append(timing.issue(SubtitleRule.syntax, first, first.start,
                                           "expected a cue number, found '\(text.shown(first, limit: 40))'",
                                           hint: "each cue starts with its number, then a timing line, then text"))
                while i < lines.count, !text.isBlank(lines[i]) { i += 1 }
                continue
            }
            missingNumberReported = false

            let timingLine = lines[i]
            i += 1
            cueCount += 1
            if !timing.looksLikeTiming(timingLine) {
                issues.append(timing.issue(SubtitleRule.syntax, timingLine, timingLine.start,
                                           "expected a timing line, found '\(text.shown(timingLine, limit: 40))'",
                                           hint: "write the timing as HH:MM:SS,mmm --> HH:MM:SS,mmm"))
            } else {
                let cue = timing.parse(timingLine, into: &issues)
                timing.checkTimes(cue, on: timingLine, lastStart: &lastStart, into: &issues)
            }

            // Cue text runs to the next blank line; a number + timing pair inside it means a missing blank line.
            while i < lines.count, !text.isBlank(lines[i]) {
                let line = lines[i]
                if cueNumber(line) != nil, i + 1 < lines.count, timing.looksLikeTiming(lines[i + 1]) {
                    issues.append(timing.issue(SubtitleRule.syntax, line, line.start,
                                               "missing blank line before cue \(text.shown(line, limit: 20))",
                                               hint: "separate cues with an empty line"))
                    break
                }
                if timing.looksLikeTiming(line) {
                    issues.append(timing.issue(SubtitleRule.syntax, line, line.start,
                                               "a timing line inside cue text: a blank line and a cue number are missing",
                                               hint: "separate cues with an empty line and number each cue"))
                    missingNumberReported = true
                    break
                }
                i += 1
            }
        }
        if cueCount == 0 && issues.isEmpty {
            issues.append(SubtitleIssue(rule: SubtitleRule.empty, line: 1, column: 1,
                                        message: "the subtitle file has no cues",
                                        hint: "an SRT file needs at least one numbered cue with a timing line"))
        }
        return SubtitleCheckResult(cueCount: cueCount, issues: issues)
    }

    /// The cue number on `line` (digits, optionally surrounded by spaces); -1 when it overflows; nil otherwise.
    private func cueNumber(_ line: SubtitleText.Line) -> Int? {
        var i = line.start
        var end = line.end
        while i < end, isSpace(text.bytes[i]) { i += 1 }
        while end > i, isSpace(text.bytes[end - 1]) { end -= 1 }
        guard i < end else { return nil }
        var value = 0
        var overflow = false
        while i < end {
            let b = text.bytes[i]
            guard isDigit(b) else { return nil }
            if !overflow {
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(b - UInt8(ascii: "0")))
                overflow = o1 || o2
                value = sum
            }
            i += 1
        }
        return overflow ? -1 : value
    }
}
