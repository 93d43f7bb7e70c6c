import Foundation
import IngestCore

/// The checkpoint journal as a log of objects in S3, fenced so two tasks on one shard never both act
/// (docs/checkpoint-s3.md). The records are the file journal's JSON lines (`JournalCodec`).
///
/// Group commit (`GroupCommit`): appends queue in memory; one segment PUT is in flight at a time. A durable append is
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
    /// Numbers, queues and answers the appends; `schedule` and `flush` write its batches as segments.
    let commit: GroupCommit
    let tasks = Locked<[Task<Void, Never>]>([])

    struct Core {
        /// The front, for `nextSeq` (read it without holding the front's lock elsewhere).
        let commit: GroupCommit
        var nextSegment: UInt64
        var timerAt: Duration?
        var lease: LeaseHold
        /// Whether old segments may be deleted: only once no previous owner can still be acting.
        var mayDelete = false
        var fenceReported = false
        var segmentsWritten = 0
        var bytesWritten = 0

        /// The `seq` the next record gets.
        var nextSeq: UInt64 { commit.nextSeq }
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
        commit = GroupCommit(location: layout.location, nextSeq: nextSeq,
                             policy: .init(flushInterval: options.flushInterval, batchLimit: options.batchLimit,
                                           batchBytes: options.batchBytes, minimumInterval: options.minimumPutInterval),
                             clock: options.clock)
        core = Locked(Core(commit: commit, nextSegment: nextSegment, lease: lease))
        commit.connect { [weak self] in self?.schedule() }
    }

    public var location: String { layout.location }

    /// Counters for tests and the simulation: records appended, segments and bytes written.
    public var counters: (appended: Int, segments: Int, bytes: Int) {
        let (segments, bytes) = core.withLock { ($0.segmentsWritten, $0.bytesWritten) }
        return (commit.appended, segments, bytes)
    }

    // MARK: Appending

    @discardableResult
    public func append(_ entry: JournalEntry, durable: Bool) async throws -> UInt64 {
        try await commit.append(entry, durable: durable)
    }

    @discardableResult
    public func appendLater(_ entry: JournalEntry) throws -> UInt64 { try commit.appendLater(entry) }

    public func sync() async throws { try await commit.sync() }

    // MARK: Group commit

    /// Starts a segment PUT when one is due and none is in flight, or arms a timer for when one will be.
    func schedule() {
        switch commit.claim() {
        case .idle, .stop:
            return
        case .write:
            Task { await self.flush() }
        case .notYet(let due, let now):
            let arm: Bool = core.withLock { core in
                if let armed = core.timerAt, armed <= due { return false }
                core.timerAt = due
                return true
            }
            guard arm else { return }
            Task {
                try? await self.options.clock.sleep(for: due - now)
                // This timer is spent (even if it woke a little early: `schedule` arms another for the rest).
                self.core.withLock { if $0.timerAt == due { $0.timerAt = nil } }
                self.schedule()
            }
        }
    }

    /// Writes everything queued as the next segment and answers its waiters.
    private func flush() async {
        let batch = commit.takeBatch()
        let number = core.withLock { $0.nextSegment }
        var failure: IngestError?
        if batch.count > 0 {
            do {
                try await writeSegment(number, batch.bytes)
                // Before the waiters are answered: a `sync` that returns sees the segment counted.
                core.withLock { core in
                    core.nextSegment = number + 1
                    core.segmentsWritten += 1
                    core.bytesWritten += batch.bytes.count
                }
            } catch {
                failure = IngestError.from(error)
            }
        }
        commit.finish(batch, failure: failure)
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
        // A batch in flight is answered by its PUT's completion; everything queued fails now.
        commit.fail(error)
        let first: Bool = core.withLock { core in
            defer { core.fenceReported = true }
            return !core.fenceReported
        }
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
        let (began, failure) = await commit.close(drained: stopBackgroundTasks)
        guard began else {
            if let failure, failure.code != .checkpointClosed { throw failure }
            return
        }
        if failure == nil {
            let held = core.withLock { $0.lease }
            // Released only after every record is durable and every effect finished: a successor starts at once.
            _ = try? await store.put(layout.leaseKey, S3JournalLease.encode(owner: options.owner, generation: held.generation + 1,
                                                                              ttl: options.leaseTTL, released: true),
                                     condition: .ifMatch(held.etag))
        }
        if let failure { throw failure }
    }

    /// Simulates a crash (tests): records not yet written are lost; the lease is not released.
    public func abandon() {
        commit.abandon(release: stopBackgroundTasks)
    }
}
