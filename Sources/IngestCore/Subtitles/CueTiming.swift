/// A parsed cue timing line: start and end in milliseconds, and where the parts are.
struct CueTiming {
    /// Start time in milliseconds; nil when the start timestamp is malformed.
    var start: Int?
    /// End time in milliseconds; nil when the end timestamp is malformed.
    var end: Int?
    /// Byte offset of the start timestamp.
    var startOffset: Int
    /// Byte offset of the end timestamp (the line's end when it is missing).
    var endOffset: Int
    /// Byte offset where the text after the end timestamp begins (WebVTT cue settings, SRT coordinates).
    var restOffset: Int
}

/// Which timestamp syntax a timing line uses.
enum TimestampStyle {
    /// `HH:MM:SS,mmm` (hours required).
    case srt
    /// `[HH:]MM:SS.mmm` (hours optional, may exceed 99).
    case webvtt

    var fractionSeparator: UInt8 { self == .srt ? UInt8(ascii: ",") : UInt8(ascii: ".") }
    var pattern: String { self == .srt ? "HH:MM:SS,mmm" : "[HH:]MM:SS.mmm" }
}

/// Parses cue timing lines (`START --> END [rest]`), reporting every problem with its column.
struct CueTimingParser {
    let text: SubtitleText
    let style: TimestampStyle

    private static let arrow: [UInt8] = Array("-->".utf8)

    /// Whether `line` is meant as a timing line: it holds `-->`, or it starts with a timestamp-like
    /// token followed by something arrow-like (so `00:00:01,000 -> 00:00:02,000` is checked as timing).
    func looksLikeTiming(_ line: SubtitleText.Line) -> Bool {
        if text.contains(line, Self.arrow) { return true }
        var i = line.start
        while i < line.end, isSpace(text.bytes[i]) { i += 1 }
        let tokenStart = i
        var sawColon = false
        while i < line.end, !isSpace(text.bytes[i]), text.bytes[i] != UInt8(ascii: "-") {
            let b = text.bytes[i]
            guard isDigit(b) || b == UInt8(ascii: ":") || b == UInt8(ascii: ".") || b == UInt8(ascii: ",") else {
                return false
            }
            if b == UInt8(ascii: ":") { sawColon = true }
            i += 1
        }
        guard i > tokenStart, sawColon, isDigit(text.bytes[tokenStart]) else { return false }
        while i < line.end, isSpace(text.bytes[i]) { i += 1 }
        guard i < line.end else { return false }
        let b = text.bytes[i]
        return b == UInt8(ascii: "-") || b == UInt8(ascii: ">") || b == UInt8(ascii: "=") || b == 0xE2  // U+2013/2014/2192
    }

    /// Parses `line` as a timing line, appending problems to `issues`.
    func parse(_ line: SubtitleText.Line, into issues: inout [SubtitleIssue]) -> CueTiming {
        let bytes = text.bytes
        var i = line.start
        while i < line.end, isSpace(bytes[i]) { i += 1 }

        let startOffset = i
        while i < line.end, !isSpace(bytes[i]), bytes[i] != UInt8(ascii: "-") { i += 1 }
        var start: Int?
        if i == startOffset {
            issues.append(issue(SubtitleRule.timestamp, line, startOffset, "the timing line has no start timestamp",
                                hint: "write the timing as \(style.pattern) --> \(style.pattern)"))
        } else {
            start = timestamp(line, startOffset, i, role: "start", into: &issues)
        }

        while i < line.end, isSpace(bytes[i]) { i += 1 }
        let separatorOffset = i
        if text.firstIndex(of: Self.arrow, in: i, min(line.end, i + 3)) == i {
            i += 3
        } else {
            var found = i
            while found < line.end, !isSpace(bytes[found]) { found += 1 }
            let shown = found == i ? "the end of the line" : "'\(text.shown(i, found, limit: 20))'"
            issues.append(issue(SubtitleRule.timestamp, line, separatorOffset,
                                "the timing separator must be ' --> ', found \(shown)",
                                hint: "separate start and end with a space, two hyphens, '>' and a space"))
            // Skip an arrow-like separator so the end timestamp is still checked.
            while i < line.end, isArrowish(bytes[i]) { i += 1 }
        }
        while i < line.end, isSpace(bytes[i]) { i += 1 }

        let endOffset = i
        while i < line.end, !isSpace(bytes[i]) { i += 1 }
        var end: Int?
        if i == endOffset {
            issues.append(issue(SubtitleRule.timestamp, line, endOffset, "the timing line has no end timestamp",
                                hint: "write the timing as \(style.pattern) --> \(style.pattern)"))
        } else {
            end = timestamp(line, endOffset, i, role: "end", into: &issues)
        }
        while i < line.end, isSpace(bytes[i]) { i += 1 }
        return CueTiming(start: start, end: end, startOffset: startOffset, endOffset: endOffset, restOffset: i)
    }

    /// Parses the timestamp in `from..<to`; nil when malformed or out of range (the problem is appended).
    private func timestamp(_ line: SubtitleText.Line, _ from: Int, _ to: Int, role: String,
                           into issues: inout [SubtitleIssue]) -> Int? {
        let bytes = text.bytes
        let token = text.shown(from, to, limit: 30)
        func malformed() -> Int? {
            issues.append(issue(SubtitleRule.timestamp, line, from,
                                "malformed \(role) timestamp '\(token)'; expected \(style.pattern)",
                                hint: "minutes and seconds take two digits, milliseconds three"))
            return nil
        }
        // Colon-separated digit fields, then a one-byte fraction separator and three digits.
        var fields: [(value: Int, offset: Int, digits: Int)] = []
        var i = from
        var separator: (byte: UInt8, offset: Int)?
        while true {
            let fieldStart = i
            var value = 0
            while i < to, isDigit(bytes[i]) {
                if i - fieldStart >= 9 { return malformed() }
                value = value * 10 + Int(bytes[i] - UInt8(ascii: "0"))
                i += 1
            }
            if i == fieldStart { return malformed() }
            fields.append((value, fieldStart, i - fieldStart))
            if i == to { return malformed() }  // no fraction
            let b = bytes[i]
            if b == UInt8(ascii: ":") {
                guard fields.count < 3 else { return malformed() }
                i += 1
                continue
            }
            guard b == UInt8(ascii: ".") || b == UInt8(ascii: ",") else { return malformed() }
            separator = (b, i)
            i += 1
            break
        }
        let fractionStart = i
        var millis = 0
        while i < to, isDigit(bytes[i]), i - fractionStart < 3 {
            millis = millis * 10 + Int(bytes[i] - UInt8(ascii: "0"))
            i += 1
        }
        guard i == to, i - fractionStart == 3 else { return malformed() }
        switch (style, fields.count) {
        case (.srt, 3), (.webvtt, 2), (.webvtt, 3): break
        default: return malformed()
        }
        let minutes = fields[fields.count - 2]
        let seconds = fields[fields.count - 1]
        guard minutes.digits == 2, seconds.digits == 2 else { return malformed() }
        let hours = fields.count == 3 ? fields[0].value : 0

        if let separator, separator.byte != style.fractionSeparator {
            let wanted = style == .srt ? "','" : "'.'"
            let format = style == .srt ? "SRT" : "WebVTT"
            let other = style == .srt ? "'.' is WebVTT style" : "',' is SRT style"
            issues.append(issue(SubtitleRule.timestamp, line, separator.offset,
                                "\(format) timestamps use \(wanted) before the milliseconds ('\(token)'; \(other))",
                                hint: "write the \(role) time as \(style.pattern)"))
        }
        var inRange = true
        if minutes.value >= 60 {
            issues.append(issue(SubtitleRule.timestamp, line, minutes.offset,
                                "minutes \(minutes.value) out of range in \(role) timestamp '\(token)' (00-59)"))
            inRange = false
        }
        if seconds.value >= 60 {
            issues.append(issue(SubtitleRule.timestamp, line, seconds.offset,
                                "seconds \(seconds.value) out of range in \(role) timestamp '\(token)' (00-59)"))
            inRange = false
        }
        guard inRange else { return nil }
        return ((hours * 60 + minutes.value) * 60 + seconds.value) * 1000 + millis
    }

    /// Checks start order and end after start (in column order), updating `lastStart`.
    func checkTimes(_ cue: CueTiming, on line: SubtitleText.Line, lastStart: inout Int?,
                            into issues: inout [SubtitleIssue]) {
        guard let start = cue.start else { return }
        if let previous = lastStart, start < previous {
            issues.append(issue(SubtitleRule.order, line, cue.startOffset,
                                       "the cue starts (\(formatMilliseconds(start, style: style))) before the "
                                           + "previous cue (\(formatMilliseconds(previous, style: style)))",
                                       hint: "order cues by start time"))
        }
        if let end = cue.end, end <= start {
            issues.append(issue(SubtitleRule.timing, line, cue.endOffset,
                                       "the cue ends (\(formatMilliseconds(end, style: style))) "
                                           + "\(end == start ? "when" : "before") it starts "
                                           + "(\(formatMilliseconds(start, style: style)))",
                                       hint: "the end time must be after the start time"))
        }
        lastStart = start
    }

    /// An issue on `line` at byte `offset`.
    func issue(_ rule: String, _ line: SubtitleText.Line, _ offset: Int, _ message: String,
               hint: String? = nil) -> SubtitleIssue {
        SubtitleIssue(rule: rule, line: line.number, column: text.column(ofOffset: offset, in: line),
                      message: message, hint: hint)
    }
}

/// `HH:MM:SS,mmm` / `HH:MM:SS.mmm` for messages.
func formatMilliseconds(_ ms: Int, style: TimestampStyle) -> String {
    let h = ms / 3_600_000
    let m = ms / 60_000 % 60
    let s = ms / 1000 % 60
    let f = ms % 1000
    func pad(_ v: Int, _ width: Int) -> String {
        let digits = String(v)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    let separator = style == .srt ? "," : "."
    return "\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2))\(separator)\(pad(f, 3))"
}

@inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
@inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
/// Bytes of arrow-like separators people type instead of `-->` (`->`, `=>`, `—>`, `→`).
@inline(__always) private func isArrowish(_ b: UInt8) -> Bool {
    b == UInt8(ascii: "-") || b == UInt8(ascii: ">") || b == UInt8(ascii: "=") || b == UInt8(ascii: "<") || b >= 0x80
}
