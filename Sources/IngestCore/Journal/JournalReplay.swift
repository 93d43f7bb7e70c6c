/// A problem found while replaying a journal.
public struct JournalReplayWarning: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "checkpoint line \(line): \(message)" }
}

/// The state of every item, rebuilt from a journal's lines.
public struct JournalState: Sendable {
    public var header: JournalHeader?
    public private(set) var items = ItemTable()
    /// The highest sequence number seen (the next append uses `lastSeq + 1`).
    public private(set) var lastSeq: UInt64 = 0
    /// Number of entries applied (compaction triggers on this growing past a bound).
    public private(set) var entryCount = 0
    /// The latest record time (`at`, UTC ISO 8601) a replay saw; nil when it saw no record (or the state
    /// was not replayed). `status` over shards shows it as each shard's last activity.
    public var lastActivity: String?

    public init() {}

    /// The state of `item` (an empty state when the journal never mentioned it).
    public func item(_ id: String) -> ItemState { items[id] ?? ItemState(id: id) }

    /// Makes room for `count` items in all.
    public mutating func reserveCapacity(_ count: Int) { items.reserveCapacity(count) }

    /// Applies one entry.
    public mutating func apply(_ entry: JournalEntry) {
        if entry.seq > lastSeq { lastSeq = entry.seq }
        entryCount += 1
        items.modify(entry.item) { $0.apply(entry) }
    }

    /// Replaces the state of `item.id` with `item` (an item summary record with sequence `seq`).
    mutating func replace(with item: ItemState, seq: UInt64) {
        if seq > lastSeq { lastSeq = seq }
        entryCount += 1
        items.set(item)
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
///
/// Feed lines in order with `consume`, then call `finish`. A bad line followed only by blank
/// space is a torn tail (dropped, reported); a bad line followed by any good line is corruption
/// and `CHECKPOINT_CORRUPT` names its line number.
public struct JournalReplay: Sendable {
    /// The outcome of replaying a whole file.
    public struct Result: Sendable {
        public var state: JournalState
        /// Byte length of the valid prefix: a torn tail starts here and should be cut off.
        public var validLength: Int
        /// Set when the last line was torn (incomplete or failing its CRC) and was dropped.
        public var tornTail: JournalReplayWarning?

        public init(state: JournalState, validLength: Int, tornTail: JournalReplayWarning?) {
            self.state = state
            self.validLength = validLength
            self.tornTail = tornTail
        }
    }

    private var state = JournalState()
    private var lineNumber = 0
    private var offset = 0
    private var validLength = 0
    private var bad: (line: Int, reason: String)?
    private let path: String
    /// The greatest `at` of the records so far (ISO 8601 UTC: bytewise order is time order).
    private var latestAt: [UInt8] = []

    /// A replay of the journal at `path` (the path only appears in messages).
    public init(path: String = "checkpoint") { self.path = path }

    /// Consumes the next line (without its newline); `complete` is false for a last line with no newline.
    public mutating func consume(_ line: UnsafeBufferPointer<UInt8>, complete: Bool) throws {
        lineNumber += 1
        offset += line.count + (complete ? 1 : 0)
        if isBlank(line) {
            // Only a truly empty line extends the valid prefix: a run of NULs (a file extended but
            // never written) is cut off by repair so the next append starts on a clean line.
            if bad == nil && line.isEmpty && complete { validLength = offset }
            return
        }
        if let bad {
            throw IngestError(code: .checkpointCorrupt, message:
                "\(path):\(bad.line): corrupt record in the middle of the checkpoint (\(bad.reason))",
                hint: "the file was damaged after it was written; restore it from a backup or move it aside to start over")
        }
        do {
            guard complete else { throw JournalDecodeError.missingChecksum }
            let record: JournalRecord
            switch try JournalCodec.decodeForReplay(line) {
            case .record(let decoded): record = decoded
            case .item(let seq, let item):
                state.replace(with: item, seq: seq)
                noteTime(of: line)
                validLength = offset
                return
            }
            if case .entry = record { noteTime(of: line) }
            if case .header(let header) = record, header.format > JournalHeader.currentFormat {
                throw IngestError(code: .checkpointFormat, message:
                    "\(path) uses journal format \(header.format); this tool reads format \(JournalHeader.currentFormat)",
                    hint: "use a newer skylark-ingest, or start a new checkpoint with --checkpoint")
            }
            state.apply(record)
            validLength = offset
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
            bad = (lineNumber, reason)
        }
    }

    /// The replayed state once every line was consumed.
    public func finish() -> Result {
        let torn = bad.map { JournalReplayWarning(line: $0.line, message:
            "torn last record dropped (\($0.reason)); the work it described will be reconciled") }
        var state = state
        if !latestAt.isEmpty { state.lastActivity = String(decoding: latestAt, as: UTF8.self) }
        return Result(state: state, validLength: validLength, tornTail: torn)
    }

    /// Keeps the entry's time when it is the latest so far. The decoder skips `at` (replay never needs
    /// it); the writer puts it last, right before the 18-byte `,"crc":"XXXXXXXX"}` trailer, so it is
    /// read here from the line's end without decoding anything.
    private mutating func noteTime(of line: UnsafeBufferPointer<UInt8>) {
        let close = line.count - 19  // the quote that closes the `at` string
        guard close > 6, line[close] == UInt8(ascii: "\"") else { return }
        var open = close - 1
        while open > 0 && line[open] != UInt8(ascii: "\"") && close - open <= 40 { open -= 1 }
        let key = #""at":""#.utf8
        guard open >= 5, line[open] == UInt8(ascii: "\""),
              zip(line[(open - 5)...open], key).allSatisfy({ $0 == $1 }) else { return }
        let time = UnsafeBufferPointer(rebasing: line[(open + 1)..<close])
        if latestAt.lexicographicallyPrecedes(time) { latestAt.replaceSubrange(0..., with: time) }
    }

    /// Replays `bytes` (a whole journal).
    public static func replay(_ bytes: UnsafeBufferPointer<UInt8>, path: String = "checkpoint") throws -> Result {
        var replay = JournalReplay(path: path)
        var lineStart = 0
        let count = bytes.count
        while lineStart < count {
            var lineEnd = lineStart
            while lineEnd < count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let complete = lineEnd < count
            try replay.consume(UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]), complete: complete)
            lineStart = complete ? lineEnd + 1 : lineEnd
        }
        return replay.finish()
    }

    /// Replays `bytes` (a whole journal).
    public static func replay(_ bytes: [UInt8], path: String = "checkpoint") throws -> Result {
        try bytes.withUnsafeBufferPointer { try replay($0, path: path) }
    }

    private func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in line where byte != 0x20 && byte != 0x0D && byte != 0 { return false }
        return true
    }
}
