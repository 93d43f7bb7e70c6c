/// Checks WebVTT structure: the `WEBVTT` header and its metadata lines, then blocks separated by
/// blank lines — `NOTE` comments, `STYLE` and `REGION` blocks (before the first cue only) and cues
/// (an optional unique identifier, a `[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm [settings]` line, text).
struct WebVTTParser {
    let text: SubtitleText
    private let timing: CueTimingParser

    private static let header: [UInt8] = Array("WEBVTT".utf8)
    private static let note: [UInt8] = Array("NOTE".utf8)
    private static let style: [UInt8] = Array("STYLE".utf8)
    private static let region: [UInt8] = Array("REGION".utf8)
    private static let arrow: [UInt8] = Array("-->".utf8)

    init(text: SubtitleText) {
        self.text = text
        timing = CueTimingParser(text: text, style: .webvtt)
    }

    /// Checks the header and every block, returning the cue count and the problems in file order.
    func check() -> SubtitleCheckResult {
        let lines = text.lines
        var issues: [SubtitleIssue] = []
        var i = 0

        if let first = lines.first, text.startsWithKeyword(first, Self.header) {
            i = 1
        } else {
            let first = lines.first ?? SubtitleText.Line(number: 1, start: text.contentStart, end: text.contentStart)
            issues.append(SubtitleIssue(rule: SubtitleRule.syntax, line: 1, column: 1,
                                        message: lines.isEmpty ? "the file is empty: a WebVTT file starts with WEBVTT"
                                            : "a WebVTT file must start with 'WEBVTT', found '\(text.shown(first, limit: 40))'",
                                        hint: "put WEBVTT alone on the first line, then a blank line"))
            // Keep checking: a first line that is not a timing line is taken as a mistyped header.
            if !lines.isEmpty && timing.looksLikeTiming(first) { i = 0 } else { i = 1 }
        }
        // Header metadata lines run to the first blank line; a timing line there means the blank line is missing.
        while i < lines.count, !isEmpty(lines[i]) {
            if text.contains(lines[i], Self.arrow) {
                if i > 0 {
                    issues.append(timing.issue(SubtitleRule.syntax, lines[i], lines[i].start,
                                               "missing blank line between the WEBVTT header and the first cue",
                                               hint: "leave an empty line after the header block"))
                }
                break
            }
            i += 1
        }

        var cueCount = 0
        var lastStart: Int?
        var identifiers: [String: Int] = [:]
        while i < lines.count {
            while i < lines.count, isEmpty(lines[i]) { i += 1 }
            guard i < lines.count else { break }
            let first = lines[i]

            if text.startsWithKeyword(first, Self.note) {
                i = skipBlock(from: i + 1, kind: "NOTE", into: &issues)
                continue
            }
            if text.startsWithKeyword(first, Self.style) || text.startsWithKeyword(first, Self.region) {
                let kind = text.startsWithKeyword(first, Self.style) ? "STYLE" : "REGION"
                if cueCount > 0 {
                    issues.append(timing.issue(SubtitleRule.syntax, first, first.start,
                                               "a \(kind) block after the first cue is ignored by players",
                                               hint: "move \(kind) blocks before the first cue"))
                }
                i = skipBlock(from: i + 1, kind: kind, into: &issues)
                continue
            }

            var timingIndex = i
            if !timing.looksLikeTiming(first) {
                // A cue identifier; the next line must be the timing line.
                let identifier = text.text(first, limit: Int.max)
                if let previous = identifiers[identifier] {
                    issues.append(timing.issue(SubtitleRule.syntax, first, first.start,
                                               "duplicate cue identifier '\(text.shown(first, limit: 40))' "
                                                   + "(first used on line \(previous))",
                                               hint: "cue identifiers must be unique within the file"))
                } else {
                    identifiers[identifier] = first.number
                }
                timingIndex = i + 1
                guard timingIndex < lines.count, !isEmpty(lines[timingIndex]),
                      timing.looksLikeTiming(lines[timingIndex]) else {
                    let at = timingIndex < lines.count && !isEmpty(lines[timingIndex]) ? lines[timingIndex] : first
                    issues.append(timing.issue(SubtitleRule.syntax, at, at.start,
                                               at.number == first.number
                                                   ? "text where a cue timing line is expected: '\(text.shown(first, limit: 40))'"
                                                   : "expected a cue timing line after the cue identifier, found "
                                                       + "'\(text.shown(at, limit: 40))'",
                                               hint: "a cue is an optional identifier, a timing line "
                                                   + "[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm, then text"))
                    i = timingIndex
                    while i < lines.count, !isEmpty(lines[i]) { i += 1 }
                    continue
                }
            }

            let timingLine = lines[timingIndex]
            cueCount += 1
            let cue = timing.parse(timingLine, into: &issues)
            timing.checkTimes(cue, on: timingLine, lastStart: &lastStart, into: &issues)
            WebVTTCueSettings.check(text, timingLine, from: cue.restOffset, timing: timing, into: &issues)

            i = timingIndex + 1
            while i < lines.count, !isEmpty(lines[i]) {
                if text.contains(lines[i], Self.arrow) {
                    issues.append(timing.issue(SubtitleRule.syntax, lines[i], lines[i].start,
                                               "a timing line inside cue text: the blank line before this cue is missing",
                                               hint: "separate cues with an empty line"))
                    break
                }
                i += 1
            }
        }
        if cueCount == 0 && issues.isEmpty {
            issues.append(SubtitleIssue(rule: SubtitleRule.empty, line: 1, column: 1,
                                        message: "the subtitle file has no cues",
                                        hint: "add at least one cue after the WEBVTT header"))
        }
        return SubtitleCheckResult(cueCount: cueCount, issues: issues)
    }

    /// Skips a NOTE/STYLE/REGION block's lines; a line holding `-->` ends it with a missing-blank-line issue.
    private func skipBlock(from start: Int, kind: String, into issues: inout [SubtitleIssue]) -> Int {
        var i = start
        let lines = text.lines
        while i < lines.count, !isEmpty(lines[i]) {
            if text.contains(lines[i], Self.arrow) {
                issues.append(timing.issue(SubtitleRule.syntax, lines[i], lines[i].start,
                                           "'-->' inside a \(kind) block: the blank line before this cue is missing",
                                           hint: "end the \(kind) block with an empty line"))
                return i
            }
            i += 1
        }
        return i
    }

    /// Whether `line` separates blocks (empty, or only spaces and tabs).
    private func isEmpty(_ line: SubtitleText.Line) -> Bool { text.isBlank(line) }
}
