/// The first line of a checkpoint journal: what wrote it and for which manifest.
public struct JournalHeader: Sendable, Hashable {
    /// The journal format this file uses; readers refuse newer formats. Format 2 added the item
    /// summary record (compaction output); format 1 files are still read.
    public static let currentFormat = 2

    public var format: Int
    public var toolVersion: String
    public var manifestPath: String
    /// SHA-256 (hex) of the manifest bytes when the journal was created (informational; drift is per item).
    public var manifestSHA256: String
    public var createdAt: String
    /// The shard (`I/N`) this checkpoint belongs to; nil for a checkpoint of the whole manifest.
    public var shard: String?

    public init(format: Int = JournalHeader.currentFormat, toolVersion: String, manifestPath: String,
                manifestSHA256: String, createdAt: String, shard: String? = nil) {
        self.shard = shard
        self.format = format
        self.toolVersion = toolVersion
        self.manifestPath = manifestPath
        self.manifestSHA256 = manifestSHA256
        self.createdAt = createdAt
    }
}

/// What a journal entry says happened.
public enum JournalEvent: String, Sendable, Hashable, Codable {
    /// About to cause an external effect (`op`); on resume an intent without a result is reconciled.
    case intent
    /// An operation (`op` set) or the whole stage (`op` nil) finished; `data` holds its results.
    case done
    /// The stage failed for this item; `data.error` holds `{code, message}`.
    case failed
    /// Compaction output: the stage's complete state in one record (replaces everything before it).
    case summary
}

/// One event of one item at one stage.
public struct JournalEntry: Sendable, Hashable {
    public var seq: UInt64
    public var item: String
    public var stage: Stage
    public var event: JournalEvent
    /// The operation within the stage (`create`, `text_track:en-gb`, `upload_state`, …); nil = the stage itself.
    public var op: String?
    public var data: [String: JSONValue]
    /// UTC timestamp, ISO 8601 with milliseconds.
    public var at: String
    /// `at` as milliseconds since 1970, when the replay read it straight from the line (0 = read `at`).
    var atMilliseconds: Int64 = 0

    public init(seq: UInt64 = 0, item: String, stage: Stage, event: JournalEvent, op: String? = nil,
                data: [String: JSONValue] = [:], at: String = "") {
        self.seq = seq
        self.item = item
        self.stage = stage
        self.event = event
        self.op = op
        self.data = data
        self.at = at
    }
}

/// One line of the journal.
public enum JournalRecord: Sendable, Hashable {
    case header(JournalHeader)
    case entry(JournalEntry)
}
