import Foundation
import IngestCore

/// The checkpoint journal on disk: append-only JSON lines with group commit, an exclusive lock,
/// torn-tail repair and compaction. The format is described in `docs/pipeline.md`.
///
/// Appends are queued in memory by the group-commit front (`GroupCommit`) and written by one
/// writer thread. A batch is written and `fsync`ed as soon as a durable append waits, or after
/// `flushInterval`, or when `batchLimit` records are queued. `append(_:durable: true)` returns only once its record is on disk.
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
    // Internal rather than private: the writer (`JournalFile+Writer.swift`) and compaction
    // (`JournalFile+Compaction.swift`) extensions use them.
    let core: Locked<Core>
    /// Numbers, queues and answers the appends; the writer thread writes its batches.
    let commit: GroupCommit
    let wakeup = Wakeup()
    let options: Options

    /// The open descriptors (-1 once released).
    struct Core {
        var fd: Int32
        var lockFD: Int32
    }

    /// What `open` found.
    public struct Opened: Sendable {
        public var journal: JournalFile
        public var state: JournalState
        public var warnings: [String]
    }

    private init(path: String, lockFD: Int32, fd: Int32, nextSeq: UInt64, options: Options) {
        self.path = path
        self.options = options
        core = Locked(Core(fd: fd, lockFD: lockFD))
        commit = GroupCommit(location: path, nextSeq: nextSeq,
                             policy: .init(flushInterval: options.flushInterval, batchLimit: options.batchLimit),
                             clock: ContinuousLeaseClock())
        commit.connect { [wakeup] in wakeup.kick() }
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
