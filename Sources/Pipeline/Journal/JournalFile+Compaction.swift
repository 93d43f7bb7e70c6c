import Foundation
import IngestCore

// Compaction: the journal rewritten as one summary record per item (docs/pipeline.md, Compaction).
extension JournalFile {
    /// Number of records appended through this handle.
    public var appendedCount: Int { commit.appended }

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
            commit.restartNumbering(at: seq + 1)
        }
    }
}
