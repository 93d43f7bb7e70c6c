/// One CSV cell: its text and where it starts (1-based line and column, columns in characters).
public struct CSVCell: Sendable, Hashable {
    public var value: String
    public var line: Int
    public var column: Int
}

/// A CSV syntax error and where it is.
public struct CSVSyntaxError: Error, Sendable, Hashable {
    public var message: String
    public var hint: String?
    public var line: Int
    public var column: Int
}

/// An RFC 4180 parser over bytes that tracks the line and column of every cell, including cells
/// that span lines inside quotes. CRLF, LF and a missing final newline are accepted. The delimiter
/// is `,` unless another is given (`;` and TAB files, as spreadsheets in many locales write them).
public enum CSVParser {
    /// The delimiters a CSV file may use: `,` (RFC 4180), `;`, TAB.
    public enum Delimiter: UInt8, Sendable, Hashable, CaseIterable {
        case comma = 0x2C
        case semicolon = 0x3B
        case tab = 0x09

        /// How a message names it: `,`, `;`, `TAB`.
        public var name: String {
            switch self {
            case .comma: return "`,`"
            case .semicolon: return "`;`"
            case .tab: return "TAB"
            }
        }
    }

    /// Parses `bytes` (UTF-8, BOM already removed) and calls `record` once per record with its
    /// cells and its first line. Blank lines are skipped. Stops at the first syntax error.
    public static func parse(_ bytes: ArraySlice<UInt8>, delimiter: Delimiter = .comma,
                             record: (_ cells: [CSVCell], _ line: Int) -> Void) throws(CSVSyntaxError) {
        try bytes.withUnsafeBufferPointer { buffer throws(CSVSyntaxError) in
            try parse(buffer, delimiter: delimiter.rawValue, record: record)
        }
    }

    /// The cells of the first record (the header), or nil when there is none or it is not valid CSV
    /// with this delimiter. Reads no further than the header's last line.
    public static func firstRecord(_ bytes: ArraySlice<UInt8>, delimiter: Delimiter) -> [CSVCell]? {
        // The header ends at the first line end outside quotes, after any leading blank lines.
        var end = bytes.startIndex, inQuotes = false, sawContent = false
        while end < bytes.endIndex {
            let b = bytes[end]
            if b == 0x22 { inQuotes.toggle() }
            if b == 0x0A && !inQuotes && sawContent { break }
            if b != 0x0A && b != 0x0D { sawContent = true }
            end += 1
        }
        var first: [CSVCell]?
        do throws(CSVSyntaxError) {
            try parse(bytes[bytes.startIndex..<end], delimiter: delimiter) { cells, _ in
                if first == nil { first = cells }
            }
        } catch {
            return nil
        }
        return first
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, delimiter separator: UInt8,
                              record: (_ cells: [CSVCell], _ line: Int) -> Void) throws(CSVSyntaxError) {
        let quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        let n = buffer.count
        var i = 0
        var line = 1
        var lineStart = 0   // byte offset where the current line starts
        var cells: [CSVCell] = []
        var recordLine = 1
        var scratch: [UInt8] = []

        // Columns are counted incrementally from the last position asked for on the same line, so a
        // very long line costs linear time, not quadratic.
        var countedLineStart = 0, countedOffset = 0, countedColumn = 1
        func column(at offset: Int) -> Int {
            if countedLineStart != lineStart || offset < countedOffset {
                countedLineStart = lineStart
                countedOffset = lineStart
                countedColumn = 1
            }
            while countedOffset < offset {
                if buffer[countedOffset] & 0xC0 != 0x80 { countedColumn += 1 }
                countedOffset += 1
            }
            return countedColumn
        }

        while i <= n {
            // Start of a cell.
            let cellLine = line
            let cellColumn = column(at: i)
            if cells.isEmpty { recordLine = line }
            var value: String
            if i < n && buffer[i] == quote {
                let openLine = line, openColumn = cellColumn
                i += 1
                scratch.removeAll(keepingCapacity: true)
                var closed = false
                while i < n {
                    let b = buffer[i]
                    if b == quote {
                        if i + 1 < n && buffer[i + 1] == quote {
                            scratch.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if b == lf { line += 1; lineStart = i + 1 }
                    scratch.append(b)
                    i += 1
                }
                guard closed else {
                    throw CSVSyntaxError(message: "a quoted cell is never closed",
                                         hint: "add the closing `\"`; a quote inside a quoted cell is written `\"\"`",
                                         line: openLine, column: openColumn)
                }
                value = String(decoding: scratch, as: UTF8.self)
                if i < n, buffer[i] != separator, buffer[i] != lf, !(buffer[i] == cr && (i + 1 == n || buffer[i + 1] == lf)) {
                    throw CSVSyntaxError(message: "text follows the closing quote of a cell",
                                         hint: "put the whole cell in quotes and write inner quotes as `\"\"`",
                                         line: line, column: column(at: i))
                }
            } else {
                let start = i
                while i < n {
                    let b = buffer[i]
                    if b == separator || b == lf { break }
                    if b == cr && (i + 1 == n || buffer[i + 1] == lf) { break }
                    if b == quote {
                        throw CSVSyntaxError(message: "a quote appears inside an unquoted cell",
                                             hint: "quote the whole cell and write inner quotes as `\"\"`",
                                             line: line, column: column(at: i))
                    }
                    i += 1
                }
                value = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<i]), as: UTF8.self)
            }
            cells.append(CSVCell(value: value, line: cellLine, column: cellColumn))
            // After a cell: the delimiter, end of line, or end of input.
            if i < n && buffer[i] == separator {
                i += 1
                continue
            }
            if i < n && buffer[i] == cr { i += 1 }
            let atEnd = i >= n
            if !atEnd { i += 1; line += 1; lineStart = i }   // the LF
            // A record of one empty cell is a blank line: skipped.
            if !(cells.count == 1 && cells[0].value.isEmpty) { record(cells, recordLine) }
            cells.removeAll(keepingCapacity: true)
            if atEnd { break }
        }
    }
}
