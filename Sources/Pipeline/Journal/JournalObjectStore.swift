import IngestCore

/// The few object-store calls the S3 checkpoint needs (docs/checkpoint-s3.md). The production adapter is
/// `S3JournalObjectStore`; tests use an in-memory store with the same precondition semantics.
///
/// Implementation requirements:
/// - `put` honours its condition exactly: `.ifNoneMatch` stores only when the key holds no object,
///   `.ifMatch(etag)` only when it holds an object with that ETag; otherwise nothing is stored and the
///   answer is `.preconditionFailed`, never an error;
/// - a store that cannot honour a condition throws `CHECKPOINT_STORE_UNSUPPORTED` (it must never store
///   without the condition);
/// - `list` is strongly consistent with `put` and `delete` (S3 has been since December 2020).
public protocol JournalObjectStore: Sendable {
    /// Stores `body` at `key` if `condition` holds.
    func put(_ key: String, _ body: [UInt8], condition: JournalWriteCondition) async throws -> JournalPutResult
    /// The object at `key` and its ETag, or nil.
    func get(_ key: String) async throws -> JournalObject?
    /// Every key under `prefix`, in any order.
    func list(prefix: String) async throws -> [String]
    /// Removes `key` (succeeds when it is already gone).
    func delete(_ key: String) async throws
}

/// The precondition of a journal write.
public enum JournalWriteCondition: Sendable, Hashable {
    /// Only when the key holds no object (`If-None-Match: *`).
    case ifNoneMatch
    /// Only when the key's object has this ETag (`If-Match`).
    case ifMatch(String)
}

/// What a conditional write did.
public enum JournalPutResult: Sendable, Hashable {
    /// Stored; the object's new ETag.
    case stored(etag: String)
    /// The condition did not hold: nothing was stored (412).
    case preconditionFailed
}

/// An object read back.
public struct JournalObject: Sendable, Hashable {
    public var body: [UInt8]
    public var etag: String

    public init(body: [UInt8], etag: String) {
        self.body = body
        self.etag = etag
    }
}

/// The clock a lease is measured on: monotonic, local to this process (wall clocks of two machines are
/// never compared). Tests inject a manual clock.
public protocol LeaseClock: Sendable {
    /// Time since an arbitrary origin fixed for the process.
    func now() -> Duration
    /// Waits `duration` (throws when the task is cancelled).
    func sleep(for duration: Duration) async throws
}

/// The process's monotonic clock.
public struct ContinuousLeaseClock: LeaseClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
