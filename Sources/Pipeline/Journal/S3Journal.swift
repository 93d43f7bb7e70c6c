import Foundation
import IngestCore

/// The checkpoint journal as a log of objects in S3, fenced so two tasks on one shard never both act
/// (docs/checkpoint-s3.md). The records are the file journal's JSON lines (`JournalCodec`).
///
/// Group commit: appends queue in memory; one segment PUT is in flight at a time. A durable append is
/// sent at once (no sooner than `minimumPutInterval` after the previous PUT), and durable appends that arrive
/// while a PUT is in flight share the next segment; other records go within `flushInterval`. A segment
/// answered 200 makes every record in it and before it durable. A 412 on a segment means another task took
/// the shard over: this journal fails with `CHECKPOINT_FENCED` and so does every later append.
public final class S3Journal: JournalSink {
    /// Tuning and injection points.
    public struct Options: Sendable {
        /// Longest time a non-durable record waits in memory (bounds PUTs/s when nothing is durable).
        public var flushInterval: Duration = .seconds(1)
        /// Shortest time between two segment PUTs (bounds PUTs/s per shard when intents are many).
        public var minimumPutInterval: Duration = .milliseconds(50)
        /// Queued records (or bytes) that make a segment due at once.
        public var batchLimit = 4096
        public var batchBytes = 4 << 20
        /// The lease's time to live. The owner renews every `renewEvery` (default TTL/3) and gives up, failing
        /// the journal and stopping its effects, `giveUpAfter` (default 0.8 × TTL) after the send time of
        /// its last successful renewal; a newcomer waits a whole TTL from when it saw the previous lease.
        public var leaseTTL: Duration = .seconds(30)
        public var renewEvery: Duration?
        public var giveUpAfter: Duration?
        /// Whether the lease is renewed in the background (tests that drive each request turn it off).
        public var renews = true
        /// Whether `open` waits out a previous owner's lease (tests observe the wait instead).
        public var waitsForPreviousOwner = true
        /// Whether `open` first checks that the store refuses what conditional writes must refuse.
        public var verifiesConditionalWrites = true
        /// Attempts of one segment PUT on transport errors, and of taking the lease or the next segment number.
        public var writeAttempts = 4
        public var takeoverAttempts = 16
        /// Deletes in flight when compaction drops the segments a snapshot covers.
        public var deletesInFlight = 16
        /// This task's owner id in the lease (unique per process).
        public var owner = UUID().uuidString.lowercased()
        /// The clock of the lease and the flush timers.
        public var clock: any LeaseClock = ContinuousLeaseClock()
        /// Called once when the journal is fenced (or gives up its lease): stop every effect in flight.
        public var onFenced: (@Sendable (IngestError) -> Void)?
        /// Notices for the operator (the wait for a previous owner).
        public var notice: (@Sendable (String) -> Void)?

        public init() {}

        var renewInterval: Duration { renewEvery ?? leaseTTL / 3 }
        var giveUp: Duration { giveUpAfter ?? leaseTTL * 0.8 }
    }

    /// What `open` found.
    public struct Opened: Sendable {
        public var journal: S3Journal
        public var state: JournalState
        public var warnings: [String]
        /// How long `open` waited (or, without `waitsForPreviousOwner`, must wait) for a previous owner's lease.
        public var previousOwnerWait: Duration?
    }

    public let layout: S3JournalLayout
    public let store: any JournalObjectStore
    public let options: Options
    let core: Locked<Core>
    let tasks = Locked<[Task<Void, Never>]>([])

    struct Core {
        var nextSegment: UInt64
        var nextSeq: UInt64
        var pending: [UInt8] = []
        var pendingCount = 0
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var firstPendingAt: Duration?
        var putInFlight = false
        var lastPutAt: Duration?
        var timerAt: Duration?
        var closing = false
        var closed = false
        var failure: IngestError?
        var lease: LeaseHold
        /// Whether old segments may be deleted: only once no previous owner can still be acting.
        var mayDelete = false
        var fenceReported = false
        var appended = 0
        var segmentsWritten = 0
        var bytesWritten = 0
    }

    /// This journal's hold on the lease.
    struct LeaseHold {
        var etag: String
        var generation: UInt64
        /// When the last successful lease write was sent (the owner's deadline counts from here).
        var sentAt: Duration
    }

    init(layout: S3JournalLayout, store: any JournalObjectStore, options: Options, nextSegment: UInt64, nextSeq: UInt64,
         lease: LeaseHold) {
        self.layout = layout
        self.store = store
        self.options = options
        core = Locked(Core(nextSegment: nextSegment, nextSeq: nextSeq, lease: lease))
    }

    public var location: String { layout.location }

    /// Counters for tests and the simulation: records appended, segments and bytes written.
    public var counters: (appended: Int, segments: Int, bytes: Int) {
        core.withLock { ($0.appended, $0.segmentsWritten, $0.bytesWritten) }
    }

    // MARK: Appending

    @discardableResult
    public func append(_ entry: JournalEntry, durable: Bool) async throws -> UInt64 {
        if !durable { return try enqueue(entry, waiter: nil) }
        var seq: UInt64 = 0
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            do { seq = try enqueue(entry, waiter: continuation) } catch { continuation.resume(throwing: error) }
        }
        return seq
    }

    @discardableResult
    public func appendLater(_ entry: JournalEntry) throws -> UInt64 { try enqueue(entry, waiter: nil) }

    public func sync() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, IngestError>? = core.withLock { core in
                if let failure = core.failure { return .failure(failure) }
                if core.pendingCount == 0 && !core.putInFlight { return .success(()) }
                core.waiters.append(continuation)
                return nil
            }
            if let outcome { continuation.resume(with: outcome) } else { schedule() }
        }
    }

    private func enqueue(_ entry: JournalEntry, waiter: CheckedContinuation<Void, any Error>?) throws -> UInt64 {
        var entry = entry
        if entry.at.isEmpty { entry.at = Timestamp.now() }
        let now = options.clock.now()
        let seq: UInt64 = try core.withLock { core in
            if let failure = core.failure { throw failure }
            guard !core.closing else {
                throw IngestError(code: .checkpointClosed, message: "the checkpoint \(layout.location) is already closed")
            }
            entry.seq = core.nextSeq
            core.nextSeq += 1
            core.pending.append(contentsOf: JournalCodec.encode(.entry(entry)))
            core.pendingCount += 1
            core.appended += 1
            if core.firstPendingAt == nil { core.firstPendingAt = now }
            if let waiter { core.waiters.append(waiter) }
            return entry.seq
        }
        schedule()
        return seq
    }

    // MARK: Group commit

    /// Starts a segment PUT when one is due and none is in flight, or arms a timer for when one will be.
    func schedule() {
        let now = options.clock.now()
        enum Next { case nothing, flush, timer(Duration) }
        let next: Next = core.withLock { core in
            guard core.failure == nil, !core.closed, !core.putInFlight, core.pendingCount > 0 || !core.waiters.isEmpty
            else { return .nothing }
            let urgent = !core.waiters.isEmpty || core.closing || core.pendingCount >= options.batchLimit
                || core.pending.count >= options.batchBytes
            var due = urgent ? now : (core.firstPendingAt ?? now) + options.flushInterval
            if let last = core.lastPutAt { due = max(due, last + options.minimumPutInterval) }
            if due <= now {
                core.putInFlight = true
                return .flush
            }
            if let armed = core.timerAt, armed <= due { return .nothing }
            core.timerAt = due
            return .timer(due - now)
        }
        switch next {
        case .nothing: return
        case .flush: Task { await self.flush() }
        case .timer(let delay):
            let armed = now + delay
            Task {
                try? await self.options.clock.sleep(for: delay)
                // This timer is spent (even if it woke a little early: `schedule` arms another for the rest).
                self.core.withLock { if $0.timerAt == armed { $0.timerAt = nil } }
                self.schedule()
            }
        }
    }

    /// Writes everything queued as the next segment and answers its waiters.
    private func flush() async {
        let now = options.clock.now()
        let (bytes, count, waiters, number): ([UInt8], Int, [CheckedContinuation<Void, any Error>], UInt64) = core.withLock { core in
            let batch = (core.pending, core.pendingCount, core.waiters, core.nextSegment)
            core.pending = []
            core.pendingCount = 0
            core.waiters = []
            core.firstPendingAt = nil
            core.lastPutAt = now
            return batch
        }
        var failure: IngestError?
        if count > 0 {
            do {
                try await writeSegment(number, bytes)
            } catch {
                failure = IngestError.from(error)
            }
        }
        let extra: [CheckedContinuation<Void, any Error>] = core.withLock { core in
            core.putInFlight = false
            if let failure, core.failure == nil { core.failure = failure }
            if core.failure == nil && count > 0 {
                core.nextSegment = number + 1
                core.segmentsWritten += 1
                core.bytesWritten += bytes.count
            }
            // A failed journal answers every waiter now; `sync` calls that waited for this PUT with nothing
            // else queued are answered with it.
            guard core.failure != nil || core.pendingCount == 0 else { return [] }
            defer { core.waiters = [] }
            return core.waiters
        }
        let outcome = core.withLock { $0.failure }
        for waiter in waiters + extra {
            if let outcome { waiter.resume(throwing: outcome) } else { waiter.resume() }
        }
        if let failure, failure.code == .checkpointFenced { fence(failure) }
        schedule()
    }

    /// PUTs segment `number` with `If-None-Match: *`. A 412 is this journal's own earlier attempt only when
    /// the object holds these very bytes; otherwise another task owns the shard now.
    func writeSegment(_ number: UInt64, _ bytes: [UInt8]) async throws {
        let key = layout.segmentKey(number)
        var attempt = 0
        while true {
            attempt += 1
            do {
                switch try await store.put(key, bytes, condition: .ifNoneMatch) {
                case .stored:
                    break
                case .preconditionFailed:
                    if let existing = try await store.get(key), existing.body == bytes { break }
                    throw fencedError("segment \(number) was written by another task: it has taken over this shard")
                }
                try checkLeaseDeadline()
                return
            } catch let error as IngestError where [.checkpointFenced, .checkpointStoreUnsupported].contains(error.code) {
                throw error
            } catch {
                if attempt >= options.writeAttempts {
                    throw IngestError(code: .checkpointIO,
                                      message: "cannot write segment \(number) of \(layout.location): \(IngestError.from(error).message)",
                                      hint: "check the bucket, the credentials and the network; run the same command again to resume")
                }
                try? await options.clock.sleep(for: .milliseconds(100 << min(attempt, 5)))
            }
        }
    }

    /// A segment acknowledged after this owner's give-up deadline does not count: by then a newcomer may
    /// have waited out the lease, compacted and deleted the segment numbers that fenced this writer.
    func checkLeaseDeadline() throws {
        let (sentAt, now) = core.withLock { ($0.lease.sentAt, options.clock.now()) }
        if now - sentAt > options.giveUp {
            throw fencedError("the lease was not renewed for \(options.giveUp) (its TTL is \(options.leaseTTL))")
        }
    }

    func fencedError(_ why: String) -> IngestError {
        IngestError(code: .checkpointFenced, message: "\(layout.location): \(why); this task stops before its next effect",
                    hint: "another task runs this shard (a replacement started while this one ran); nothing is lost: "
                        + "the other task resumes from the checkpoint")
    }

    /// Fails the journal for good with `error`, answers every waiter and tells the run to stop its effects.
    func fence(_ error: IngestError) {
        let (waiters, first): ([CheckedContinuation<Void, any Error>], Bool) = core.withLock { core in
            if core.failure == nil { core.failure = error }
            // A batch in flight is answered by its PUT's completion; everything queued fails now.
            let waiters = core.putInFlight ? [] : core.waiters
            if !core.putInFlight { core.waiters = [] }
            core.pending = []
            core.pendingCount = 0
            defer { core.fenceReported = true }
            return (waiters, !core.fenceReported)
        }
        for waiter in waiters { waiter.resume(throwing: error) }
        stopBackgroundTasks()
        if first { options.onFenced?(error) }
    }

    func stopBackgroundTasks() {
        let running = tasks.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in running { task.cancel() }
    }

    // MARK: Closing

    /// Writes everything queued, stops renewing and releases the lease (so a successor need not wait).
    public func close() async throws {
        let alreadyClosing = core.withLock { core -> Bool in
            defer { core.closing = true }
            return core.closing
        }
        if alreadyClosing {
            if let failure = core.withLock({ $0.failure }), failure.code != .checkpointClosed { throw failure }
            return
        }
        var failure: IngestError?
        do { try await sync() } catch { failure = IngestError.from(error) }
        stopBackgroundTasks()
        let held: LeaseHold? = core.withLock { core in
            core.closed = true
            if failure == nil { failure = core.failure }
            return failure == nil ? core.lease : nil
        }
        if let held {
            // Released only after every record is durable and every effect finished: a successor starts at once.
            _ = try? await store.put(layout.leaseKey, S3JournalLease.encode(owner: options.owner, generation: held.generation + 1,
                                                                              ttl: options.leaseTTL, released: true),
                                     condition: .ifMatch(held.etag))
        }
        if let failure { throw failure }
    }

    /// Simulates a crash (tests): records not yet written are lost; the lease is not released.
    public func abandon() {
        let waiters: [CheckedContinuation<Void, any Error>] = core.withLock { core in
            let crash = IngestError(code: .checkpointClosed, message: "simulated crash")
            if core.failure == nil { core.failure = crash }
            core.closing = true
            core.closed = true
            core.pending = []
            core.pendingCount = 0
            defer { core.waiters = [] }
            return core.waiters
        }
        stopBackgroundTasks()
        for waiter in waiters { waiter.resume(throwing: IngestError(code: .checkpointClosed, message: "simulated crash")) }
    }
}
