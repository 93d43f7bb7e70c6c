import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// The group-commit front both journal sinks share, with the test playing the writer: it claims, takes and
/// finishes each batch itself, so every step between an append and its answer can be observed.
@Suite(.timeLimit(.minutes(10))) struct GroupCommitTests {
    static func entry(_ id: String) -> JournalEntry { JournalEntry(item: id, stage: .assets, event: .done) }

    static func front(nextSeq: UInt64 = 1, batchLimit: Int = 100, minimumInterval: Duration = .zero)
        -> (GroupCommit, ManualLeaseClock) {
        let clock = ManualLeaseClock()
        let policy = GroupCommit.Policy(flushInterval: .seconds(1), batchLimit: batchLimit, minimumInterval: minimumInterval)
        return (GroupCommit(location: "test", nextSeq: nextSeq, policy: policy, clock: clock), clock)
    }

    /// The records of `batch`, decoded.
    static func entries(_ batch: GroupCommit.Batch) throws -> [JournalEntry] {
        try batch.bytes.split(separator: 0x0A).map { line in
            guard case .entry(let entry) = try JournalCodec.decode(Array(line)) else { throw IngestError(code: .internalError, message: "not an entry") }
            return entry
        }
    }

    /// Claims the write slot once a batch is due (a waiter's task may not have queued its record yet).
    static func claimWhenDue(_ front: GroupCommit) async throws -> Bool {
        try await eventually(timeout: .seconds(10), interval: .milliseconds(1)) {
            if case .write = front.claim() { return true }
            return false
        }
    }

    /// Whether `flag` is still unset after the tasks that could set it had ample time to run.
    static func stillUnset(_ flag: Locked<Bool>) async throws -> Bool {
        for _ in 0..<50 { await Task.yield() }
        try await Task.sleep(for: .milliseconds(50))
        return !flag.withLock { $0 }
    }

    @Test func theWakeHandlerIsCalledAtTheSameStackDepthAfterManyWakes() async throws {
        // Reading a closure out of a generic lock's `inout` value wrapped it in two more reabstraction thunks at
        // every wake: after the S3 simulation's ~64k wakes the handler sat under ~130k thunks, each call walked
        // them all, and releasing the front overflowed the stack (SIGSEGV).
        let (front, _) = Self.front(batchLimit: 1_000_000)
        let depths = Locked<[Int]>([])
        front.connect { depths.withLock { $0.append(Thread.callStackReturnAddresses.count) } }
        for index in 0..<2_000 {
            _ = try front.appendLater(Self.entry("w\(index)"))  // the first record of a batch wakes the writer
            guard case .notYet = front.claim() else { Issue.record("a lazy record was due at once"); return }
            _ = front.takeBatch()
        }
        let seen = depths.withLock { $0 }
        #expect(seen.count == 2_000)
        #expect(seen.last == seen.first, "the handler was called \(seen.first ?? 0) frames deep at first, \(seen.last ?? 0) at the end")
    }

    @Test func recordsAreNumberedInAppendOrderAndTheBatchHoldsThemInThatOrder() async throws {
        let (front, clock) = Self.front(nextSeq: 41)
        let seqs = try ["a", "b", "c"].map { try front.appendLater(Self.entry($0)) }
        #expect(seqs == [41, 42, 43])
        #expect(front.nextSeq == 44)
        if case .write = front.claim() { Issue.record("lazy records were due before the flush interval") }
        clock.advance(.seconds(1))
        guard case .write = front.claim() else { Issue.record("lazy records not due after the flush interval"); return }
        let batch = front.takeBatch()
        #expect(batch.count == 3)
        #expect(try Self.entries(batch).map(\.seq) == [41, 42, 43])
        #expect(try Self.entries(batch).map(\.item) == ["a", "b", "c"])
        front.finish(batch, failure: nil)
    }

    @Test func aBatchIsDueAtOnceForADurableAppendOrAFullBatchAndNoSoonerThanTheMinimumInterval() async throws {
        let (front, clock) = Self.front(batchLimit: 3, minimumInterval: .milliseconds(50))
        for id in ["a", "b"] { _ = try front.appendLater(Self.entry(id)) }
        guard case .notYet(let due, let now) = front.claim() else { Issue.record("two lazy records were due"); return }
        #expect(due - now == .seconds(1))
        _ = try front.appendLater(Self.entry("c"))
        guard case .write = front.claim() else { Issue.record("a full batch was not due"); return }
        front.finish(front.takeBatch(), failure: nil)
        let durable = Task { try await front.append(Self.entry("d"), durable: true) }
        #expect(try await eventually(timeout: .seconds(10), interval: .milliseconds(1)) { front.nextSeq == 5 })
        // Urgent, but the last batch was taken 0 ms ago.
        guard case .notYet(let next, let at) = front.claim() else { Issue.record("due before the minimum interval"); return }
        #expect(next - at == .milliseconds(50))
        clock.advance(.milliseconds(50))
        #expect(try await Self.claimWhenDue(front))
        front.finish(front.takeBatch(), failure: nil)
        #expect(try await durable.value == 4)
    }

    @Test func aDurableAppendReturnsOnlyOnceItsBatchIsWrittenAndOneArrivingDuringTheWriteWaitsForTheNext() async throws {
        let (front, _) = Self.front()
        let firstReturned = Locked(false), secondReturned = Locked(false)
        let first = Task {
            let seq = try await front.append(Self.entry("a"), durable: true)
            firstReturned.withLock { $0 = true }
            return seq
        }
        #expect(try await Self.claimWhenDue(front))
        let batch = front.takeBatch()
        #expect(batch.count == 1)
        let second = Task {
            let seq = try await front.append(Self.entry("b"), durable: true)
            secondReturned.withLock { $0 = true }
            return seq
        }
        #expect(try await Self.stillUnset(firstReturned))
        // One batch at a time: the second record waits while the first is written.
        #expect(try await eventually(timeout: .seconds(10), interval: .milliseconds(1)) { front.nextSeq == 3 })
        guard case .idle = front.claim() else { Issue.record("a second batch was claimed while one is written"); return }
        front.finish(batch, failure: nil)
        #expect(try await first.value == 1)
        #expect(try await Self.stillUnset(secondReturned))
        #expect(try await Self.claimWhenDue(front))
        let next = front.takeBatch()
        #expect(try Self.entries(next).map(\.item) == ["b"])
        front.finish(next, failure: nil)
        #expect(try await second.value == 2)
    }

    @Test func syncWaitsForEveryEarlierAppendIncludingTheBatchBeingWritten() async throws {
        let (front, clock) = Self.front()
        try await front.sync()  // nothing appended: at once
        _ = try front.appendLater(Self.entry("a"))
        clock.advance(.seconds(1))
        guard case .write = front.claim() else { Issue.record("lazy record not due"); return }
        let inFlight = front.takeBatch()
        _ = try front.appendLater(Self.entry("b"))
        let synced = Locked(false)
        let sync = Task {
            try await front.sync()
            synced.withLock { $0 = true }
        }
        #expect(try await Self.stillUnset(synced))
        front.finish(inFlight, failure: nil)
        // "b" is still queued: the sync waits for its batch too (and makes it due at once).
        #expect(try await Self.stillUnset(synced))
        #expect(try await Self.claimWhenDue(front))
        let batch = front.takeBatch()
        #expect(try Self.entries(batch).map(\.item) == ["b"])
        #expect(try await Self.stillUnset(synced))
        front.finish(batch, failure: nil)
        try await sync.value
    }

    @Test func aFailedWriteFailsItsWaitersTheQueuedOnesAndEveryLaterAppendAndSync() async throws {
        let (front, _) = Self.front()
        let first = Task { try await front.append(Self.entry("a"), durable: true) }
        #expect(try await Self.claimWhenDue(front))
        let batch = front.takeBatch()
        let queued = Task { try await front.append(Self.entry("b"), durable: true) }
        #expect(try await eventually(timeout: .seconds(10), interval: .milliseconds(1)) { front.nextSeq == 3 })
        let disk = IngestError(code: .checkpointIO, message: "disk full")
        front.finish(batch, failure: disk)
        for task in [first, queued] {
            await #expect(throws: disk) { try await task.value }
        }
        #expect(throws: disk) { try front.appendLater(Self.entry("c")) }
        await #expect(throws: disk) { try await front.append(Self.entry("d"), durable: true) }
        await #expect(throws: disk) { try await front.sync() }
        // Nothing is written after the failure.
        guard case .idle = front.claim() else { Issue.record("a batch was due after a failure"); return }
        #expect(front.failure == disk)
    }

    @Test func failAnswersTheWaitersAtOnceWhenNothingIsBeingWritten() async throws {
        let (front, _) = Self.front()
        _ = try front.appendLater(Self.entry("a"))
        let synced = Task { try await front.sync() }
        #expect(try await eventually(timeout: .seconds(10), interval: .milliseconds(1)) {
            if case .write = front.claim() { return true }  // the sync's waiter is queued: due at once
            return false
        })
        front.finish(front.takeBatch(), failure: nil)
        try await synced.value
        let queued = Task { try await front.append(Self.entry("b"), durable: true) }
        #expect(try await eventually(timeout: .seconds(10), interval: .milliseconds(1)) { front.nextSeq == 3 })
        let fenced = IngestError(code: .checkpointFenced, message: "fenced")
        front.fail(fenced)
        await #expect(throws: fenced) { try await queued.value }
        guard case .idle = front.claim() else { Issue.record("the dropped record was still due"); return }
    }

    @Test func failDuringAWriteAnswersEveryWaiterWithTheFailureWhenTheWriteEndsEvenIfItSucceeded() async throws {
        let (front, _) = Self.front()
        let inFlight = Task { try await front.append(Self.entry("a"), durable: true) }
        #expect(try await Self.claimWhenDue(front))
        let batch = front.takeBatch()
        let answered = Locked(false)
        let queued = Task {
            defer { answered.withLock { $0 = true } }
            return try await front.append(Self.entry("b"), durable: true)
        }
        #expect(try await eventually(timeout: .seconds(10), interval: .milliseconds(1)) { front.nextSeq == 3 })
        let fenced = IngestError(code: .checkpointFenced, message: "fenced")
        front.fail(fenced)
        #expect(throws: fenced) { try front.appendLater(Self.entry("c")) }
        #expect(try await Self.stillUnset(answered))
        // Written, but the journal failed meanwhile: no append may report success.
        front.finish(batch, failure: nil)
        await #expect(throws: fenced) { try await inFlight.value }
        await #expect(throws: fenced) { try await queued.value }
    }

    @Test func closeWritesWhatIsQueuedThenRefusesAppendsAndStopsTheWriter() async throws {
        let (front, _) = Self.front()
        _ = try front.appendLater(Self.entry("a"))
        let closed = Locked(false)
        let close = Task {
            let outcome = await front.close()
            closed.withLock { $0 = true }
            return outcome
        }
        #expect(try await Self.claimWhenDue(front))  // closing makes the queued record due at once
        let batch = front.takeBatch()
        #expect(batch.count == 1)
        #expect(try await Self.stillUnset(closed))
        front.finish(batch, failure: nil)
        let outcome = await close.value
        #expect(outcome.began && outcome.failure == nil)
        do {
            _ = try front.appendLater(Self.entry("b"))
            Issue.record("an append after close was taken")
        } catch {
            #expect(IngestError.from(error).code == .checkpointClosed)
        }
        guard case .stop = front.claim() else { Issue.record("the writer was not told to stop"); return }
        #expect(await front.close().began == false)
    }

    @Test func abandonLosesQueuedRecordsAndFailsTheirWaiters() async throws {
        let (front, _) = Self.front()
        _ = try front.appendLater(Self.entry("a"))
        let released = Locked(false)
        front.abandon { released.withLock { $0 = true } }
        #expect(released.withLock { $0 })
        await #expect(throws: IngestError.self) { try await front.append(Self.entry("b"), durable: true) }
        guard case .stop = front.claim() else { Issue.record("the writer was not told to stop"); return }
        // Already closed: nothing is released twice.
        released.withLock { $0 = false }
        front.abandon { released.withLock { $0 = true } }
        #expect(!released.withLock { $0 })
    }
}
