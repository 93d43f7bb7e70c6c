import Foundation
import IngestCore

/// The group-commit front both journal sinks share: it numbers the records (`seq`), queues them in memory as
/// JSON lines, and answers durable appends and `sync` once the batch that holds their records is durable.
///
/// The sink supplies only the writer: it asks `claim()` whether a batch is due (one batch is written at a
/// time), takes it (`takeBatch()`), writes it and makes it durable its own way (the file's write and
/// `fdatasync`, one conditional segment PUT), and reports back (`finish(_:failure:)`). The front calls the
/// `wake` handler the sink `connect`s whenever a batch may have become due sooner.
///
/// A batch is due at once when a durable append or a `sync` waits, when the journal is closing, or when
/// `batchLimit` records or `batchBytes` bytes are queued; otherwise `flushInterval` after its first record;
/// and never sooner than `minimumInterval` after the previous batch was taken. Once a write failed (or
/// `fail` was called) that failure is latched: records still queued are dropped, their waiters and every
/// later append and `sync` get the failure.
final class GroupCommit: Sendable {
    /// When a batch is due.
    struct Policy: Sendable {
        /// Longest time a non-durable record waits in memory.
        var flushInterval: Duration
        /// Queued records (or bytes) that make a batch due at once.
        var batchLimit: Int
        var batchBytes = Int.max
        /// Shortest time between taking two batches.
        var minimumInterval: Duration = .zero
    }

    typealias Waiter = CheckedContinuation<Void, any Error>

    /// Records taken for writing, as the JSON lines to write, and the appends and syncs that wait for them.
    struct Batch: Sendable {
        let bytes: [UInt8]
        let count: Int
        fileprivate let waiters: [Waiter]
    }

    /// What the writer is to do, from `claim()`.
    enum Claim: Sendable {
        /// A batch is due and the writer holds the one write slot: take it with `takeBatch()`.
        case write
        /// Records are queued; their batch is due at `due` (it is `now`).
        case notYet(due: Duration, now: Duration)
        /// Nothing to write, or a batch is being written, or the journal failed.
        case idle
        /// The journal is closed: the writer stops.
        case stop
    }

    private struct State {
        var nextSeq: UInt64
        var pending: [UInt8] = []
        var pendingCount = 0
        var waiters: [Waiter] = []
        var firstPendingAt: Duration?
        var lastBatchAt: Duration?
        var writing = false
        var closing = false
        var closed = false
        var failure: IngestError?
        var appended = 0
    }

    /// Where the journal lives, for messages.
    let location: String
    let policy: Policy
    private let clock: any LeaseClock
    private let state: Locked<State>
    /// Held in a class: a closure stored in a generic lock's value and read back through its `inout` gains two
    /// reabstraction thunks per read, so the handler would sink under one more pair at every wake.
    private let wake = Locked<WakeHandler?>(nil)

    private final class WakeHandler: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    init(location: String, nextSeq: UInt64, policy: Policy, clock: any LeaseClock) {
        self.location = location
        self.policy = policy
        self.clock = clock
        state = Locked(State(nextSeq: nextSeq))
    }

    /// Sets what the front calls when a batch may have become due sooner (never called with the front's lock held).
    func connect(_ handler: @escaping @Sendable () -> Void) {
        let box = WakeHandler(handler)
        wake.withLock { $0 = box }
    }

    private func wakeWriter() {
        wake.withLock { $0 }?.run()
    }

    // MARK: Appending

    /// Appends `entry` (its `seq` is assigned here and returned). With `durable`, returns once the record,
    /// and every record appended before it, is durable.
    func append(_ entry: JournalEntry, durable: Bool) async throws -> UInt64 {
        if !durable { return try enqueue(entry, waiter: nil) }
        var seq: UInt64 = 0
        try await withCheckedThrowingContinuation { (continuation: Waiter) in
            do { seq = try enqueue(entry, waiter: continuation) } catch { continuation.resume(throwing: error) }
        }
        return seq
    }

    /// Appends `entry` without waiting (it is written within `flushInterval`).
    func appendLater(_ entry: JournalEntry) throws -> UInt64 { try enqueue(entry, waiter: nil) }

    /// Waits until every record appended so far is durable.
    func sync() async throws {
        try await withCheckedThrowingContinuation { (continuation: Waiter) in
            let outcome: Result<Void, IngestError>? = state.withLock { state in
                if let failure = state.failure { return .failure(failure) }
                if state.pendingCount == 0 && !state.writing { return .success(()) }
                state.waiters.append(continuation)
                return nil
            }
            if let outcome { continuation.resume(with: outcome) } else { wakeWriter() }
        }
    }

    private func enqueue(_ entry: JournalEntry, waiter: Waiter?) throws -> UInt64 {
        var entry = entry
        if entry.at.isEmpty { entry.at = Timestamp.now() }
        let now = clock.now()
        let (seq, wake): (UInt64, Bool) = try state.withLock { state in
            if let failure = state.failure { throw failure }
            guard !state.closing else {
                throw IngestError(code: .checkpointClosed, message: "the checkpoint \(location) is already closed")
            }
            entry.seq = state.nextSeq
            state.nextSeq += 1
            state.pending.append(contentsOf: JournalCodec.encode(.entry(entry)))
            state.pendingCount += 1
            state.appended += 1
            if state.firstPendingAt == nil { state.firstPendingAt = now }
            if let waiter { state.waiters.append(waiter) }
            // Only these change when the next batch is due; later lazy records ride along.
            let sooner = waiter != nil || state.pendingCount == 1 || state.pendingCount >= policy.batchLimit
                || state.pending.count >= policy.batchBytes
            return (entry.seq, sooner)
        }
        if wake { wakeWriter() }
        return seq
    }

    // MARK: The writer's side

    /// Whether a batch is due now; if so, the caller holds the one write slot until it calls `finish`.
    func claim() -> Claim {
        let now = clock.now()
        return state.withLock { state in
            if state.closed { return .stop }
            guard state.failure == nil, !state.writing, state.pendingCount > 0 || !state.waiters.isEmpty else { return .idle }
            let urgent = !state.waiters.isEmpty || state.closing || state.pendingCount >= policy.batchLimit
                || state.pending.count >= policy.batchBytes
            var due = urgent ? now : (state.firstPendingAt ?? now) + policy.flushInterval
            if let last = state.lastBatchAt { due = max(due, last + policy.minimumInterval) }
            guard due <= now else { return .notYet(due: due, now: now) }
            state.writing = true
            return .write
        }
    }

    /// Takes everything queued as the batch to write (after `claim()` returned `.write`). Records appended
    /// from now on go into the next batch.
    func takeBatch() -> Batch {
        let now = clock.now()
        return state.withLock { state in
            let batch = Batch(bytes: state.pending, count: state.pendingCount, waiters: state.waiters)
            state.pending = []
            state.pending.reserveCapacity(batch.bytes.count)
            state.pendingCount = 0
            state.waiters = []
            state.firstPendingAt = nil
            state.lastBatchAt = now
            return batch
        }
    }

    /// Ends the write of `batch` (`failure` nil when it is durable) and answers its waiters, with the latched
    /// failure if the journal failed meanwhile. `sync` calls that waited for it with nothing else queued are
    /// answered too; once the journal failed, so is everyone still waiting.
    func finish(_ batch: Batch, failure: IngestError?) {
        let (waiters, outcome): ([Waiter], IngestError?) = state.withLock { state in
            state.writing = false
            if let failure, state.failure == nil { state.failure = failure }
            if state.failure != nil {
                state.pending = []
                state.pendingCount = 0
            }
            guard state.failure != nil || state.pendingCount == 0 else { return (batch.waiters, state.failure) }
            defer { state.waiters = [] }
            return (batch.waiters + state.waiters, state.failure)
        }
        for waiter in waiters {
            if let outcome { waiter.resume(throwing: outcome) } else { waiter.resume() }
        }
    }

    // MARK: Failing and closing

    /// Fails the journal with `error` (unless it failed already) and drops the queued records. Their waiters are
    /// answered with `error` now, or, while a batch is being written, with the batch's when its write ends.
    func fail(_ error: IngestError) {
        let waiters: [Waiter] = state.withLock { state in
            if state.failure == nil { state.failure = error }
            state.pending = []
            state.pendingCount = 0
            guard !state.writing else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    /// Closes the front: refuses appends from now on, waits until everything queued is written, runs
    /// `drained`, and marks it closed (the writer stops). `began` is false when an earlier call (or `abandon`)
    /// began closing; `failure` is what stopped the journal, if anything did.
    func close(drained: () -> Void = {}) async -> (began: Bool, failure: IngestError?) {
        let began = state.withLock { state -> Bool in
            defer { state.closing = true }
            return !state.closing
        }
        guard began else { return (false, self.failure) }
        var failure: IngestError?
        do { try await sync() } catch { failure = IngestError.from(error) }
        drained()
        let latched = state.withLock { state -> IngestError? in
            state.closed = true
            return state.failure
        }
        wakeWriter()
        return (true, failure ?? latched)
    }

    /// Simulates a crash (tests): queued records are lost and every later append fails. Unless the front was
    /// closed already, runs `release` (the sink lets go of its file or tasks) and then answers the waiters.
    func abandon(release: () -> Void) {
        let crash = IngestError(code: .checkpointClosed, message: "simulated crash")
        let waiters: [Waiter]? = state.withLock { state in
            if state.closed { return nil }
            if state.failure == nil { state.failure = crash }
            state.closing = true
            state.closed = true
            state.pending = []
            state.pendingCount = 0
            defer { state.waiters = [] }
            return state.waiters
        }
        guard let waiters else { return }
        release()
        for waiter in waiters { waiter.resume(throwing: crash) }
        wakeWriter()
    }

    // MARK: State for the sinks

    /// The failure that stopped the journal, if any.
    var failure: IngestError? { state.withLock { $0.failure } }
    /// Whether appends are still taken: nothing failed and closing has not begun.
    var isOpen: Bool { state.withLock { $0.failure == nil && !$0.closing } }
    /// Whether a batch is being written.
    var isWriting: Bool { state.withLock { $0.writing } }
    /// Records appended through this front.
    var appended: Int { state.withLock { $0.appended } }
    /// The `seq` the next record gets.
    var nextSeq: UInt64 { state.withLock { $0.nextSeq } }

    /// Numbers later records from `next` (the file's compaction rewrote them as fewer records).
    func restartNumbering(at next: UInt64) {
        state.withLock { $0.nextSeq = next }
    }

    /// Numbers later records from `next` at the lowest, unless records are queued (they keep their numbers).
    func raiseNumbering(to next: UInt64) {
        state.withLock { state in
            if state.pendingCount == 0 { state.nextSeq = max(state.nextSeq, next) }
        }
    }
}
