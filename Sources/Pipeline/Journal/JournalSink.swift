import IngestCore

/// Where a run's journal records go: a local file (`JournalFile`) or a log of objects in S3 (`S3Journal`).
///
/// Implementation requirements, the same for every sink:
/// - `append(_:durable: true)` returns only once the record, and every record appended before it, would
///   survive a crash of this process (the file's `fdatasync`, a segment PUT answered 200);
/// - appends are numbered in order (`seq`), starting after the replayed state's `lastSeq`;
/// - once a write failed, every later append and `sync` throws that failure (the runner stops on it).
public protocol JournalSink: AnyObject, Sendable {
    /// Appends `entry` and returns its `seq`; with `durable`, returns once it is durable.
    @discardableResult
    func append(_ entry: JournalEntry, durable: Bool) async throws -> UInt64
    /// Appends `entry` without waiting (it becomes durable within the sink's flush interval).
    @discardableResult
    func appendLater(_ entry: JournalEntry) throws -> UInt64
    /// Waits until every record appended so far is durable.
    func sync() async throws
    /// Makes everything durable and releases the sink (its lock or lease).
    func close() async throws
    /// Rewrites the journal as one summary per item of `state` (call it when no appends are in flight).
    func compact(_ state: JournalState) async throws
    /// Simulates a crash (tests): records not yet durable are lost, nothing is released.
    func abandon()
    /// Where the journal lives, for messages (a path or an `s3://` URL).
    var location: String { get }
}

extension JournalFile: JournalSink {
    public var location: String { path }
}
