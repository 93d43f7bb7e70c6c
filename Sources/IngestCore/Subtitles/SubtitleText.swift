/// A subtitle file split into lines over its bytes, with a leading UTF-8 BOM skipped and
/// LF, CRLF and lone CR all ending a line.
struct SubtitleText {
    /// One line: its 1-based number and its byte range (terminator excluded).
    struct Line {
        var number: Int
        var start: Int
        var end: Int
    }

    let bytes: [UInt8]
    /// The offset of the first byte after the BOM (0 or 3).
    let contentStart: Int
    private(set) var lines: [Line] = []

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        contentStart = SubtitleText.hasBOM(bytes) ? 3 : 0
        var start = contentStart
        var i = contentStart
        var number = 1
        let count = bytes.count
        while i < count {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                lines.append(Line(number: number, start: start, end: i))
                number += 1
                i += (b == 0x0D && i + 1 < count && bytes[i + 1] == 0x0A) ? 2 : 1
                start = i
            } else {
                i += 1
            }
        }
        if start < count { lines.append(Line(number: number, start: start, end: count)) }
    }

    /// Whether `bytes` begins with EF BB BF.
    static func hasBOM(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// The 1-based line and column of byte `offset` (columns in Unicode scalars, the BOM not counted).
    func position(ofOffset offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = contentStart
        var i = contentStart
        while i < offset && i < bytes.count {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                let crlf = b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A
                i += crlf ? 2 : 1
                line += 1
                lineStart = i
            } else {
                i += 1
            }
        }
        return (line, column(ofOffset: offset, lineStart: lineStart))
    }

    /// The 1-based column of `offset` on the line that starts at byte `lineStart`.
    func column(ofOffset offset: Int, lineStart: Int) -> Int {
        var column = 1
        var i = lineStart
        let stop = min(offset, bytes.count)
        while i < stop {
            if UTF8Scan.startsScalar(bytes[i]) { column += 1 }
            i += 1
        }
        return column
    }

    /// The 1-based column of `offset` on `line`.
    func column(ofOffset offset: Int, in line: Line) -> Int { column(ofOffset: offset, lineStart: line.start) }

    /// Whether `line` is empty or holds only spaces and tabs.
    func isBlank(_ line: Line) -> Bool {
        var i = line.start
        while i < line.end {
            if bytes[i] != 0x20 && bytes[i] != 0x09 { return false }
            i += 1
        }
        return true
    }

    /// The line's text (lossless for valid UTF-8), truncated to `limit` characters for messages.
    func text(_ line: Line, limit: Int = 60) -> String { excerpt(line.start, line.end, limit: limit) }

    /// The text of bytes `start..<end`, truncated to `limit` characters with an ellipsis.
    func excerpt(_ start: Int, _ end: Int, limit: Int = 60) -> String {
        let s = String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
        guard s.count > limit else { return s }
        return String(s.prefix(limit)) + "…"
    }

    /// The line's text as a diagnostic quotes it: escaped and capped at `limit` scalars (`DiagnosticText`).
    func shown(_ line: Line, limit: Int = DiagnosticText.excerptLimit) -> String { shown(line.start, line.end, limit: limit) }

    /// The text of bytes `start..<end` as a diagnostic quotes it; decodes only the bytes the excerpt
    /// can use, however long the line.
    func shown(_ start: Int, _ end: Int, limit: Int = DiagnosticText.excerptLimit) -> String {
        let stop = min(max(start, end), start + 4 * (limit + 1))
        return DiagnosticText.escaped(String(decoding: bytes[start..<stop], as: UTF8.self), limit: limit)
    }

    /// Whether `line` contains the ASCII bytes of `needle`.
    func contains(_ line: Line, _ needle: [UInt8]) -> Bool { firstIndex(of: needle, in: line.start, line.end) != nil }

    /// The offset of the first occurrence of `needle` in `start..<end`.
    func firstIndex(of needle: [UInt8], in start: Int, _ end: Int) -> Int? {
        guard !needle.isEmpty, end - start >= needle.count else { return nil }
        var i = start
        let last = end - needle.count
        outer: while i <= last {
            for k in 0..<needle.count where bytes[i + k] != needle[k] {
                i += 1
                continue outer
            }
            return i
        }
        return nil
    }

    /// Whether `line` starts with `keyword` followed by the end of the line, a space or a tab.
    func startsWithKeyword(_ line: Line, _ keyword: [UInt8]) -> Bool {
        guard line.end - line.start >= keyword.count else { return false }
        for k in 0..<keyword.count where bytes[line.start + k] != keyword[k] { return false }
        let next = line.start + keyword.count
        return next == line.end || bytes[next] == 0x20 || bytes[next] == 0x09
    }
}
