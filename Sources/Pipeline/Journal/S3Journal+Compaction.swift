import IngestCore

// Compaction: a snapshot object of one summary per item, then the segments it covers are deleted.
extension S3Journal {
    /// Writes `state` as the snapshot through the last segment written (`snap-S`, `If-None-Match: *`), then,
    /// once no previous owner can still be acting, deletes the segments and snapshots it makes redundant.
    /// Call it when no appends are in flight (as the file's compaction). Replay = newest snapshot + later segments.
    public func compact(_ state: JournalState) async throws {
        try await sync()
        let covered = core.withLock { $0.nextSegment - 1 }
        var header = state.header ?? JournalHeader(toolVersion: "", manifestPath: "", manifestSHA256: "", createdAt: Timestamp.now())
        header.format = JournalHeader.currentFormat
        var body = JournalCodec.encode(.header(header))
        var seq: UInt64 = 0
        let now = Timestamp.now()
        for id in state.items.keys.sorted() {
            for var entry in state.items[id]!.summaryEntries() {
                seq += 1
                entry.seq = seq
                entry.at = now
                body.append(contentsOf: JournalCodec.encode(.entry(entry)))
            }
        }
        let key = layout.snapshotKey(covered)
        switch try await store.put(key, body, condition: .ifNoneMatch) {
        case .stored:
            break
        case .preconditionFailed:
            guard let existing = try await store.get(key), existing.body == body else {
                let error = fencedError("the snapshot through segment \(covered) was written by another task")
                fence(error)
                throw error
            }
        }
        // Later records are numbered after the snapshot's, as after the file's compaction.
        commit.raiseNumbering(to: seq + 1)
        try checkLeaseDeadline()
        guard core.withLock({ $0.mayDelete }) else { return }
        let redundant = try await store.list(prefix: layout.directory).filter { key in
            switch layout.classify(key) {
            case .segment(let number): return number <= covered
            case .snapshot(let number): return number < covered
            default: return false
            }
        }
        // Several deletes in flight: a day's segments go in seconds, not one round trip each.
        let store = self.store
        let parallel = max(1, options.deletesInFlight)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, key) in redundant.enumerated() {
                if index >= parallel { try await group.next() }
                group.addTask { try await store.delete(key) }
            }
            try await group.waitForAll()
        }
    }

    /// Whether a journal that replays to `state` is worth compacting (the file's rule).
    public static func shouldCompact(_ state: JournalState) -> Bool { JournalFile.shouldCompact(state) }
}
