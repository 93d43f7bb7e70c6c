import IngestCore

extension S3Journal {
    /// A shard's journal read back from its objects.
    public struct Replayed: Sendable {
        public var state: JournalState
        /// The highest segment number found (0 when there is none).
        public var lastSegment: UInt64
        /// The snapshot replay started from, if any.
        public var snapshot: UInt64?
        /// Objects read and their bytes (for the simulation and `status`).
        public var objectsRead: Int
        public var bytesRead: Int
        /// Objects in the directory that are not the journal's (left alone).
        public var warnings: [String]
    }

    /// Replays the shard's journal: the newest snapshot, then every later segment in order. Segments above
    /// the snapshot must be contiguous; an object that vanishes while it is read (a compaction by the owner)
    /// makes the replay list again (bounded). A damaged object is `CHECKPOINT_CORRUPT` naming its key: S3
    /// stores objects whole, so unlike a file's torn tail nothing here is a crash's normal leftover.
    public static func replay(store: any JournalObjectStore, layout: S3JournalLayout, attempts: Int = 4) async throws -> Replayed {
        var lastError: IngestError?
        for _ in 0..<max(1, attempts) {
            do {
                if let replayed = try await replayOnce(store: store, layout: layout) { return replayed }
                lastError = nil
            } catch let error as VanishedDuringReplay {
                lastError = IngestError(code: .checkpointCorrupt, message: "\(layout.location): \(error.message)",
                                        hint: "another task may be compacting this shard's journal; try again")
            }
        }
        throw lastError ?? IngestError(code: .checkpointCorrupt, message: "\(layout.location): the journal kept changing while it was read",
                                       hint: "another task may be compacting this shard's journal; try again")
    }

    struct VanishedDuringReplay: Error {
        var message: String
    }

    private static func replayOnce(store: any JournalObjectStore, layout: S3JournalLayout) async throws -> Replayed? {
        let keys = try await store.list(prefix: layout.directory)
        var segments: [UInt64] = []
        var snapshots: [UInt64] = []
        var warnings: [String] = []
        for key in keys {
            switch layout.classify(key) {
            case .segment(let number): segments.append(number)
            case .snapshot(let number): snapshots.append(number)
            case .lease: break
            case .foreign:
                let name = key.dropFirst(layout.directory.count)
                if !name.hasPrefix("probe-") {
                    warnings.append("s3://\(layout.bucket)/\(key) is not part of the journal; it was left alone")
                }
            }
        }
        let base = snapshots.max()
        let later = segments.filter { $0 > (base ?? 0) }.sorted()
        var expected = (base ?? 0) + 1
        for number in later {
            guard number == expected else {
                throw VanishedDuringReplay(message: "segment \(expected) is missing before segment \(number)")
            }
            expected += 1
        }
        var replay = JournalReplay(path: layout.location)
        var objects = 0
        var bytes = 0
        let keysToRead = (base.map { [layout.snapshotKey($0)] } ?? []) + later.map { layout.segmentKey($0) }
        for key in keysToRead {
            guard let object = try await store.get(key) else {
                throw VanishedDuringReplay(message: "\(key) vanished while it was read")
            }
            objects += 1
            bytes += object.body.count
            try consume(object.body, key: key, layout: layout, into: &replay)
        }
        let result = replay.finish()
        return Replayed(state: result.state, lastSegment: later.last ?? base ?? 0, snapshot: base, objectsRead: objects,
                        bytesRead: bytes, warnings: warnings)
    }

    /// Feeds one object's lines to the replay; every line must be whole and check its CRC.
    private static func consume(_ body: [UInt8], key: String, layout: S3JournalLayout, into replay: inout JournalReplay) throws {
        func corrupt(_ why: String) -> IngestError {
            IngestError(code: .checkpointCorrupt, message: "s3://\(layout.bucket)/\(key): \(why)",
                        hint: "the object was damaged or written by something else; restore it from a version "
                            + "or move the shard's prefix aside to start over")
        }
        guard body.isEmpty || body.last == 0x0A else { throw corrupt("the object does not end with a whole record") }
        try body.withUnsafeBufferPointer { all in
            var start = 0
            var line = 0
            while start < all.count {
                var end = start
                while all[end] != 0x0A { end += 1 }
                line += 1
                let slice = UnsafeBufferPointer(rebasing: all[start..<end])
                if !slice.isEmpty {
                    do { _ = try JournalCodec.decode(slice) } catch {
                        throw corrupt("line \(line) is not a journal record (\(error))")
                    }
                    try replay.consume(slice, complete: true)
                }
                start = end + 1
            }
        }
    }
}
