import Foundation
import IngestCore

// Group commit: appends queue in the front (`GroupCommit`); one writer thread writes and syncs them in batches.
extension JournalFile {
    // MARK: Appending

    /// Appends `entry` (its `seq` is assigned here and returned). With `durable`, returns once the
    /// record is on disk; use it for intents and results of external effects.
    @discardableResult
    public func append(_ entry: JournalEntry, durable: Bool) async throws -> UInt64 {
        try await commit.append(entry, durable: durable)
    }

    /// Appends `entry` without waiting for the disk (it is written within `flushInterval`).
    @discardableResult
    public func appendLater(_ entry: JournalEntry) throws -> UInt64 { try commit.appendLater(entry) }

    /// Waits until every record appended so far is on disk.
    public func sync() async throws { try await commit.sync() }

    // MARK: The writer thread

    /// Writes and `fdatasync`s each batch the front makes due; polls every 10 ms, or sooner when kicked.
    func writerLoop() {
        while true {
            switch commit.claim() {
            case .stop: return
            case .idle, .notYet:
                wakeup.wait(seconds: 0.01)
                continue
            case .write:
                break
            }
            let batch = commit.takeBatch()
            var failure: IngestError?
            if batch.count > 0 {
                // Read after taking the batch: compaction swaps the descriptor under this lock.
                let fd = core.withLock { $0.fd }
                do {
                    try Self.writeAll(fd: fd, batch.bytes, path: path)
                    if fdatasync(fd) != 0 { throw Self.ioError(.checkpointIO, "cannot fsync \(path)") }
                } catch let error as IngestError {
                    failure = error
                } catch {
                    failure = IngestError(code: .checkpointIO, message: "\(error)")
                }
            }
            commit.finish(batch, failure: failure)
        }
    }

    // MARK: Closing

    /// Writes everything queued, syncs it, stops the writer and releases the lock.
    public func close() async throws {
        let (began, failure) = await commit.close()
        guard began else { return }
        releaseFile()
        if let failure { throw failure }
    }

    /// Simulates a crash (tests): records not yet written are lost, the file and the lock are
    /// closed, and every later append fails. What is on disk is exactly what a killed process leaves.
    public func abandon() {
        commit.abandon {
            // Let a batch already being written finish before the descriptor is closed, so its
            // number cannot be reused by a new journal while the writer still holds it.
            while commit.isWriting { usleep(500) }
            releaseFile()
        }
    }

    /// Closes the journal's descriptor and releases its lock (once, whoever comes first).
    private func releaseFile() {
        core.withLock { core in
            if core.fd >= 0 { Foundation.close(core.fd) }
            if core.lockFD >= 0 {
                flock(core.lockFD, LOCK_UN)
                Foundation.close(core.lockFD)
            }
            core.fd = -1
            core.lockFD = -1
        }
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
