import Foundation
import IngestCore

/// The checkpoint journal on disk: append-only JSON lines with group commit, an exclusive lock,
/// torn-tail repair and compaction. The format is described in `docs/pipeline.md`.
///
/// Appends are queued in memory and written by one writer thread. A batch is written and
/// `fsync`ed as soon as a durable append waits, or after `flushInterval`, or when `batchLimit`
/// records are queued. `append(_:durable: true)` returns only once its record is on disk.
public final class JournalFile: Sendable {
    /// Tuning for group commit.
    public struct Options: Sendable {
        /// Longest time a non-durable record waits in memory.
        public var flushInterval: Duration = .milliseconds(50)
        /// Queued records that force a write.
        public var batchLimit = 256
        public init() {}
    }

    public let path: String
    private let lockFD: Int32
    private let core: Locked<Core>
    private let wakeup = Wakeup()
    private let options: Options

    private struct Core {
        var fd: Int32
        var nextSeq: UInt64
        var pending: [UInt8] = []
        var pendingCount = 0
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var firstPendingAt: ContinuousClock.Instant?
        var closing = false
        var closed = false
        var failure: IngestError?
        var writerBusy = false
        var appended = 0
    }

    /// What `open` found.
    public struct Opened: Sendable {
        public var journal: JournalFile
        public var state: JournalState
        public var warnings: [String]
    }

    private init(path: String, lockFD: Int32, fd: Int32, nextSeq: UInt64, options: Options) {
        self.path = path
        self.lockFD = lockFD
        self.options = options
        core = Locked(Core(fd: fd, nextSeq: nextSeq))
        let thread = Thread { [self] in writerLoop() }
        thread.name = "journal-writer"
        thread.start()
    }

    // MARK: Opening

    /// Opens (or creates) the journal at `path` for appending: takes the exclusive lock,
    /// replays it, repairs a torn tail (keeping `PATH.broken`), and writes `header` if it is new.
    public static func open(path: String, header: JournalHeader, options: Options = Options()) throws -> Opened {
        let lockPath = path + ".lock"
        let lockFD = Foundation.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else { throw ioError(.checkpointIO, "cannot create the lock file \(lockPath)") }
        if flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            Foundation.close(lockFD)
            if code == EWOULDBLOCK {
                throw IngestError(code: .checkpointLocked, message:
                    "another skylark-ingest run holds the checkpoint \(path)",
                    hint: "wait for the other run to finish, or give this run its own --checkpoint")
            }
            throw ioError(.checkpointIO, "cannot lock \(lockPath)", code)
        }
        do {
            var warnings: [String] = []
            let result = try replayFile(path: path)
            var validLength = result.validLength
            if let torn = result.tornTail {
                try repair(path: path, validLength: result.validLength)
                warnings.append("\(path): \(torn.description); a copy of the damaged file is in \(path).broken")
            }
            let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ioError(.checkpointIO, "cannot open \(path) for writing") }
            if lseek(fd, off_t(validLength), SEEK_SET) < 0 { throw ioError(.checkpointIO, "cannot seek in \(path)") }
            var state = result.state
            if state.header == nil {
                if validLength > 0 {
                    Foundation.close(fd)
                    throw IngestError(code: .checkpointCorrupt, message: "\(path) has records but no header line",
                                      hint: "move the file aside to start over")
                }
                let line = JournalCodec.encode(.header(header))
                try writeAll(fd: fd, line, path: path)
                guard fsync(fd) == 0 else { throw ioError(.checkpointIO, "cannot fsync \(path)") }
                syncDirectory(of: path)
                validLength = line.count
                state.apply(.header(header))
            }
            let journal = JournalFile(path: path, lockFD: lockFD, fd: fd, nextSeq: state.lastSeq + 1, options: options)
            return Opened(journal: journal, state: state, warnings: warnings)
        } catch {
            Foundation.close(lockFD)
            throw error
        }
    }

    /// Replays the journal at `path` without locking or changing it (for `status` and `report`).
    /// A missing file gives an empty state.
    public static func read(path: String) throws -> JournalReplay.Result {
        try replayFile(path: path)
    }

    private static func replayFile(path: String) throws -> JournalReplay.Result {
        var replay = JournalReplay(path: path)
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return replay.finish() }
            throw ioError(.checkpointIO, "cannot read \(path)")
        }
        defer { Foundation.close(fd) }
        // Stream in chunks so a large journal never sits in memory whole.
        let chunkSize = 1 << 22
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var carry: [UInt8] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, chunkSize) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ioError(.checkpointIO, "cannot read \(path)")
            }
            if count == 0 { break }
            try buffer.withUnsafeBufferPointer { all in
                let chunk = UnsafeBufferPointer(rebasing: all[0..<count])
                var start = 0
                if !carry.isEmpty {
                    guard let newline = chunk.firstIndex(of: 0x0A) else {
                        carry.append(contentsOf: chunk)
                        start = count
                        return
                    }
                    carry.append(contentsOf: chunk[0..<newline])
                    try carry.withUnsafeBufferPointer { try replay.consume($0, complete: true) }
                    carry.removeAll(keepingCapacity: true)
                    start = newline + 1
                }
                while start < count {
                    let end = memchr(chunk.baseAddress! + start, 0x0A, count - start)
                        .map { UnsafeRawPointer($0) - UnsafeRawPointer(chunk.baseAddress!) } ?? count
                    if end == count {
                        carry.append(contentsOf: chunk[start..<count])
                        break
                    }
                    try replay.consume(UnsafeBufferPointer(rebasing: chunk[start..<end]), complete: true)
                    start = end + 1
                }
            }
        }
        if !carry.isEmpty { try carry.withUnsafeBufferPointer { try replay.consume($0, complete: false) } }
        return replay.finish()
    }

    /// Keeps a copy of the damaged file as `PATH.broken`, cuts it to `validLength` and syncs it.
    static func repair(path: String, validLength: Int) throws {
        let broken = path + ".broken"
        try? FileManager.default.removeItem(atPath: broken)
        do { try FileManager.default.copyItem(atPath: path, toPath: broken) } catch {
            throw IngestError(code: .checkpointIO, message: "cannot save \(broken) before repairing \(path): \(error)")
        }
        let fd = Foundation.open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError(.checkpointIO, "cannot open \(path) to repair it") }
        defer { Foundation.close(fd) }
        guard ftruncate(fd, off_t(validLength)) == 0, fsync(fd) == 0 else {
            throw ioError(.checkpointIO, "cannot truncate \(path) to its last good record")
        }
    }

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

    private func writerLoop() {
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

    // MARK: Compaction and closing

    /// Number of records appended through this handle.
    public var appendedCount: Int { core.withLock { $0.appended } }

    /// Whether a journal that replays to `state` is worth compacting: many more records than
    /// the one summary per item that compaction would leave.
    public static func shouldCompact(_ state: JournalState, minimumRecords: Int = 20_000) -> Bool {
        state.entryCount > minimumRecords && state.entryCount > 2 * state.items.count * 5
    }

    /// Rewrites the journal as one summary record per item (temp file, fsync, rename),
    /// then continues appending to the new file. Call it when no appends are in flight.
    public func compact(_ state: JournalState) async throws {
        try await sync()
        var header = state.header ?? JournalHeader(toolVersion: "", manifestPath: "", manifestSHA256: "",
                                                   createdAt: Timestamp.now())
        // Item summaries are a format 2 record: an older reader must refuse the file, not misread it.
        header.format = JournalHeader.currentFormat
        let temp = path + ".compact"
        let fd = Foundation.open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.ioError(.checkpointIO, "cannot create \(temp)") }
        var seq: UInt64 = 0
        do {
            var buffer = JournalCodec.encode(.header(header))
            let now = Timestamp.now()
            for id in state.items.keys.sorted() {
                for var entry in state.items[id]!.summaryEntries() {
                    seq += 1
                    entry.seq = seq
                    entry.at = now
                    buffer.append(contentsOf: JournalCodec.encode(.entry(entry)))
                }
                if buffer.count > 1 << 20 {
                    try Self.writeAll(fd: fd, buffer, path: temp)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try Self.writeAll(fd: fd, buffer, path: temp)
            guard fsync(fd) == 0 else { throw Self.ioError(.checkpointIO, "cannot fsync \(temp)") }
        } catch {
            Foundation.close(fd)
            unlink(temp)
            throw error
        }
        // Swap files while holding the core lock so no batch is written to the old descriptor.
        try core.withLock { core in
            guard rename(temp, path) == 0 else {
                Foundation.close(fd)
                throw Self.ioError(.checkpointIO, "cannot replace \(path) with its compacted copy")
            }
            Self.syncDirectory(of: path)
            Foundation.close(core.fd)
            core.fd = fd
            core.nextSeq = seq + 1
        }
    }

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
    package func abandon() {
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

    // MARK: Helpers

    static func writeAll(fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw ioError(.checkpointIO, "cannot write to \(path)")
                }
                offset += written
            }
        }
    }

    static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = Foundation.open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            Foundation.close(fd)
        }
    }

    static func ioError(_ code: ErrorCode, _ message: String, _ errnoValue: Int32 = errno) -> IngestError {
        IngestError(code: code, message: "\(message): \(String(cString: strerror(errnoValue)))",
                    hint: "check the path, permissions and free space")
    }
}

/// A condition with a sticky flag, so a kick that arrives while the writer is busy is not lost.
///
/// `@unchecked Sendable`: `kicked` is only read and written while `condition` is locked.
private final class Wakeup: @unchecked Sendable {
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
