/// One response header line as libcurl hands it over, parsed on its bytes (no Foundation: trimming with
/// `CharacterSet` cost ~5 % of a run's CPU).
enum HeaderLine: Equatable {
    /// A status line (`HTTP/…`): a new block of headers starts (after a `100 Continue` or a redirect).
    case status
    /// `name: value`, with spaces, tabs, CR and LF trimmed around both.
    case field(name: String, value: String)
    /// The blank line that ends the block, or a line without a name.
    case other

    static func parse(_ bytes: UnsafeRawBufferPointer) -> HeaderLine {
        let line = trimmed(bytes[...])
        if line.starts(with: "HTTP/".utf8) { return .status }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return .other }
        let name = trimmed(line[..<colon])
        guard !name.isEmpty else { return .other }
        let value = trimmed(line[(colon + 1)...])
        return .field(name: String(decoding: UnsafeRawBufferPointer(rebasing: name), as: UTF8.self),
                      value: String(decoding: UnsafeRawBufferPointer(rebasing: value), as: UTF8.self))
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }
}
