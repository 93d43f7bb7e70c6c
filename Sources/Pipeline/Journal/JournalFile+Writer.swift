import Foundation
import IngestCore

// Group commit: appends queue in memory; one writer thread writes and syncs them in batches.
extension JournalFile {
    // MARK: Appending

    /// Appends `entry` (its `seq` is assigned here and returned). With `durable`, returns once the
    /// record is on disk; use it for intents and results of external effects.
    @discardableResult
    public func append(_ entry: JournalEntry, durable: Bool) async throws -> UInt64 {
        if !durable { return try enqueue(entry, waiter: nil) }
        var seq: UInt64 = 0
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            do { seq = try enqueue(entry, waiter: continuation) } catch { continuation.resume(throwing: error) }
        }
        return seq
    }

    /// Appends `entry` without waiting for the disk (it is written within `flushInterval`).
    @discardableResult
    public func appendLater(_ entry: JournalEntry) throws -> UInt64 { try enqueue(entry, waiter: nil) }

    /// Waits until every record appended so far is on disk.
    public func sync() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome: Result<Void, IngestError>? = core.withLock { core in
                if let failure = core.failure { return .failure(failure) }
                if core.pendingCount == 0 && !core.writerBusy { return .success(()) }
                core.waiters.append(continuation)
                return nil
            }
            if let outcome { continuation.resume(with: outcome) } else { signal() }
        }
    }

    private func enqueue(_ entry: JournalEntry, waiter: CheckedContinuation<Void, any Error>?) throws -> UInt64 {
        var entry = entry
        if entry.at.isEmpty { entry.at = Timestamp.now() }
        let (seq, wake): (UInt64, Bool) = try core.withLock { core in
            if let failure = core.failure { throw failure }
            guard !core.closing else {
                throw IngestError(code: .checkpointClosed, message: "the checkpoint \(path) is already closed")
            }
            entry.seq = core.nextSeq
            core.nextSeq += 1
            core.pending.append(contentsOf: JournalCodec.encode(.entry(entry)))
            core.pendingCount += 1
            core.appended += 1
            if core.firstPendingAt == nil { core.firstPendingAt = .now }
            if let waiter { core.waiters.append(waiter) }
            return (entry.seq, waiter != nil || core.pendingCount >= options.batchLimit || core.pendingCount == 1)
        }
        if wake { signal() }
        return seq
    }

    private func signal() { wakeup.kick() }

    // MARK: The writer thread

    func writerLoop() {
        while true {
            // Decide whether there is a batch to write now, or how long to wait.
            let batch: (bytes: [UInt8], waiters: [CheckedContinuation<Void, any Error>], fd: Int32)?
                = core.withLock { core in
                    if core.closed { return nil }
                    let due: Bool
                    if !core.waiters.isEmpty || core.pendingCount >= options.batchLimit || core.closing {
                        due = true
                    } else if let first = core.firstPendingAt {
                        due = ContinuousClock.now - first >= options.flushInterval
                    } else {
                        due = false
                    }
                    guard due else { return ([], [], -1) }
                    let bytes = core.pending
                    let waiters = core.waiters
                    core.pending = []
                    core.pending.reserveCapacity(bytes.count)
                    core.pendingCount = 0
                    core.waiters = []
                    core.firstPendingAt = nil
                    core.writerBusy = true
                    return (bytes, waiters, core.fd)
                }
            guard let batch else { return }
            if batch.fd < 0 {
                wakeup.wait(seconds: 0.01)
                continue
            }
            var failure: IngestError?
            if !batch.bytes.isEmpty {
                do {
                    try Self.writeAll(fd: batch.fd, batch.bytes, path: path)
                    if fdatasync(batch.fd) != 0 { throw Self.ioError(.checkpointIO, "cannot fsync \(path)") }
                } catch let error as IngestError {
                    failure = error
                } catch {
                    failure = IngestError(code: .checkpointIO, message: "\(error)")
                }
            }
            let finish: Bool = core.withLock { core in
                core.writerBusy = false
                if let failure, core.failure == nil { core.failure = failure }
                if core.closing && core.pendingCount == 0 && core.waiters.isEmpty {
                    core.closed = true
                    return true
                }
                return false
            }
            for waiter in batch.waiters {
                if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
            }
            if finish { return }
        }
    }

    // MARK: Closing

    /// Writes everything queued, syncs it, stops the writer and releases the lock.
    public func close() async throws {
        let alreadyClosing = core.withLock { core -> Bool in
            defer { core.closing = true }
            return core.closing
        }
        if alreadyClosing { return }
        signal()
        // Wait for the writer to drain.
        while !core.withLock({ $0.closed }) {
            signal()
            try await Task.sleep(for: .milliseconds(2))
        }
        let failure = core.withLock { core -> IngestError? in
            Foundation.close(core.fd)
            return core.failure
        }
        flock(lockFD, LOCK_UN)
        Foundation.close(lockFD)
        if let failure { throw failure }
    }

    /// Simulates a crash (tests): records not yet written are lost, the file and the lock are
    /// closed, and every later append fails. What is on disk is exactly what a killed process leaves.
    public func abandon() {
        let waiters: [CheckedContinuation<Void, any Error>]? = core.withLock { core in
            if core.closed { return nil }
            let crash = IngestError(code: .checkpointClosed, message: "simulated crash")
            core.failure = crash
            core.closing = true
            core.closed = true
            core.pending = []
            core.pendingCount = 0
            let waiters = core.waiters
            core.waiters = []
            return waiters
        }
        guard let waiters else { return }
        // Let a batch already being written finish before the descriptor is closed, so its
        // number cannot be reused by a new journal while the writer still holds it.
        while core.withLock({ $0.writerBusy }) { usleep(500) }
        core.withLock { core in
            Foundation.close(core.fd)
            core.fd = -1
        }
        for waiter in waiters { waiter.resume(throwing: IngestError(code: .checkpointClosed, message: "simulated crash")) }
        flock(lockFD, LOCK_UN)
        Foundation.close(lockFD)
        signal()
    }
}

/// A condition with a sticky flag, so a kick that arrives while the writer is busy is not lost.
///
/// `@unchecked Sendable`: `kicked` is only read and written while `condition` is locked.
final class Wakeup: @unchecked Sendable {
    private let condition = NSCondition()
    private var kicked = false

    /// Wakes the writer (or makes its next wait return at once).
    func kick() {
        condition.lock()
        kicked = true
        condition.signal()
        condition.unlock()
    }

    /// Waits for a kick or `seconds`, whichever comes first.
    func wait(seconds: Double) {
        condition.lock()
        if !kicked { _ = condition.wait(until: Date().addingTimeInterval(seconds)) }
        kicked = false
        condition.unlock()
    }
}
