/// Checks subtitle files: pure, over bytes, reporting every problem at the file's own line and column.
public enum SubtitleChecker {
    /// Checks `bytes` as `format`: UTF-8 (a BOM and CRLF/CR line ends are tolerated), then structure,
    /// timestamps, end after start and start order. A file that is not UTF-8 gets one
    /// `SUBTITLE_ENCODING` issue at its first bad byte and is not parsed further.
    public static func check(_ bytes: [UInt8], format: SubtitleFormat) -> SubtitleCheckResult {
        let text = SubtitleText(bytes)
        if let bad = UTF8Scan.firstInvalidOffset(bytes, from: text.contentStart) {
            return SubtitleCheckResult(cueCount: 0, issues: [encodingIssue(text, at: bad)])
        }
        switch format {
        case .srt: return SRTParser(text: text).check()
        case .webvtt: return WebVTTParser(text: text).check()
        }
    }

    private static func encodingIssue(_ text: SubtitleText, at offset: Int) -> SubtitleIssue {
        let bytes = text.bytes
        let position = text.position(ofOffset: offset)
        let byte = "0x" + String(bytes[offset], radix: 16, uppercase: true)
        let utf16 = bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))
        let message = utf16
            ? "the file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8"
            : "not UTF-8: byte \(byte) at line \(position.line), column \(position.column) is not valid UTF-8"
        let hint = utf16
            ? "save the file as UTF-8"
            : "save the file as UTF-8 (it may be Latin-1 or Windows-1252; e.g. iconv -f WINDOWS-1252 -t UTF-8)"
        return SubtitleIssue(rule: SubtitleRule.encoding, line: position.line, column: position.column,
                             message: message, hint: hint)
    }
}
