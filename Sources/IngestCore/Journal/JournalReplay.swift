/// A problem found while replaying a journal.
public struct JournalReplayWarning: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "checkpoint line \(line): \(message)" }
}

/// The state of every item, rebuilt from a journal's lines.
public struct JournalState: Sendable {
    public var header: JournalHeader?
    public private(set) var items: [String: ItemState] = [:]
    /// The highest sequence number seen (the next append uses `lastSeq + 1`).
    public private(set) var lastSeq: UInt64 = 0
    /// Number of entries applied (compaction triggers on this growing past a bound).
    public private(set) var entryCount = 0

    public init() {}

    /// The state of `item` (an empty state when the journal never mentioned it).
    public func item(_ id: String) -> ItemState { items[id] ?? ItemState(id: id) }

    /// Applies one entry.
    public mutating func apply(_ entry: JournalEntry) {
        if entry.seq > lastSeq { lastSeq = entry.seq }
        entryCount += 1
        if items[entry.item] == nil { items[entry.item] = ItemState(id: entry.item) }
        items[entry.item]!.apply(entry)
    }

    /// Applies one record (a header replaces the header).
    public mutating func apply(_ record: JournalRecord) {
        switch record {
        case .header(let header): self.header = header
        case .entry(let entry): apply(entry)
        }
    }
}

/// Replays journal bytes: decode each line, apply it, and decide what a bad line means.
public enum JournalReplay {
    /// The outcome of replaying a whole file.
    public struct Result: Sendable {
        public var state: JournalState
        /// Byte length of the valid prefix: a torn tail starts here and should be cut off.
        public var validLength: Int
        /// Set when the last line was torn (incomplete or failing its CRC) and was dropped.
        public var tornTail: JournalReplayWarning?
    }

    /// Replays `bytes` (the whole journal). A bad last line is a torn tail (dropped, reported in
    /// `tornTail`); a bad line followed by good ones is corruption and throws `CHECKPOINT_CORRUPT`.
    public static func replay(_ bytes: UnsafeBufferPointer<UInt8>, path: String = "checkpoint") throws -> Result {
        var state = JournalState()
        var lineStart = 0
        var lineNumber = 0
        var validLength = 0
        let count = bytes.count
        while lineStart < count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let complete = lineEnd < count
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
            let next = complete ? lineEnd + 1 : lineEnd
            if line.isEmpty && complete {
                lineStart = next
                validLength = next
                continue
            }
            do {
                guard complete else { throw JournalDecodeError.missingChecksum }
                let record = try JournalCodec.decode(line)
                if case .header(let header) = record, header.format > JournalHeader.currentFormat {
                    throw IngestError(code: "CHECKPOINT_FORMAT", message:
                        "\(path) uses journal format \(header.format); this tool reads format \(JournalHeader.currentFormat)",
                        hint: "use a newer skylark-ingest, or start a new checkpoint with --checkpoint")
                }
                state.apply(record)
                validLength = next
            } catch let error as IngestError {
                throw error
            } catch {
                let reason: String
                switch error as? JournalDecodeError {
                case .checksumMismatch?: reason = "checksum mismatch"
                case .missingChecksum?: reason = complete ? "no checksum trailer" : "incomplete line"
                case .malformed(let why)?: reason = why
                case nil: reason = "\(error)"
                }
                if isOnlyWhitespace(bytes, from: next) {
                    return Result(state: state, validLength: validLength,
                                  tornTail: JournalReplayWarning(line: lineNumber, message:
                                    "torn last record dropped (\(reason)); the work it described will be reconciled"))
                }
                throw IngestError(code: "CHECKPOINT_CORRUPT", message:
                    "\(path):\(lineNumber): corrupt record in the middle of the checkpoint (\(reason))",
                    hint: "the file was damaged after it was written; restore it from a backup or move it aside to start over")
            }
            lineStart = next
        }
        return Result(state: state, validLength: validLength, tornTail: nil)
    }

    /// Replays `bytes` (the whole journal).
    public static func replay(_ bytes: [UInt8], path: String = "checkpoint") throws -> Result {
        try bytes.withUnsafeBufferPointer { try replay($0, path: path) }
    }

    private static func isOnlyWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte != 0x0A && byte != 0x20 && byte != 0x0D && byte != 0 { return false }
            index += 1
        }
        return true
    }
}
