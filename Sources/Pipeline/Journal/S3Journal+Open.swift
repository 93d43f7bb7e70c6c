import IngestCore

extension S3Journal {
    /// Opens the shard's journal for appending (docs/checkpoint-s3.md, "Taking over a shard"):
    ///
    /// 1. checks the store's conditional writes, and that the prefix holds no other shard count;
    /// 2. replays, and refuses a journal of another shard (`USAGE_SHARD_MISMATCH`) before writing anything;
    /// 3. takes the lease (`If-Match` / `If-None-Match`);
    /// 4. PUTs a takeover segment (the header again) at the next number, listing and replaying again on a
    ///    412, so a previous owner's next segment PUT fails; then lists once more, and when a snapshot at or
    ///    above that number exists (the owner compacted it away after our listing, so the number was free),
    ///    takes a higher one;
    /// 5. waits until a previous owner's lease has run out on this process's clock (TTL from when it was read),
    ///    after which none of its effects can still be in flight.
    public static func open(store: any JournalObjectStore, layout: S3JournalLayout, header: JournalHeader,
                            options: Options = Options()) async throws -> Opened {
        if options.verifiesConditionalWrites {
            try await verifyConditionalWrites(store: store, layout: layout, owner: options.owner)
        }
        try await refuseOtherShardCounts(store: store, layout: layout, header: header)
        let first = try await replay(store: store, layout: layout)
        try refuseOtherShard(first.state, layout: layout, header: header)

        let (lease, previous) = try await acquireLease(store: store, layout: layout, options: options)
        var replayed = first
        var takeover: UInt64?
        var freshHeader = false
        for attempt in 0..<options.takeoverAttempts {
            if attempt > 0 { replayed = try await replay(store: store, layout: layout) }
            try refuseOtherShard(replayed.state, layout: layout, header: header)
            let number = replayed.lastSegment + 1
            freshHeader = replayed.state.header == nil
            let body = JournalCodec.encode(.header(replayed.state.header ?? header))
            guard case .stored = try await store.put(layout.segmentKey(number), body, condition: .ifNoneMatch) else { continue }
            // The number may have been free because the owner compacted it away after our listing (a snapshot at
            // or above it): then the owner's next number is higher and it is not fenced. Take a higher number.
            let after = try await store.list(prefix: layout.directory)
            let overtaken = after.contains { key in
                switch layout.classify(key) {
                case .snapshot(let other): return other >= number
                case .segment(let other): return other > number
                default: return false
                }
            }
            if !overtaken {
                takeover = number
                break
            }
        }
        guard let takeover else {
            throw IngestError(code: .checkpointFenced, message:
                "\(layout.location): another task kept extending the journal while this one tried to take the shard over",
                hint: "more than one task runs this shard; run one task per shard")
        }
        var state = replayed.state
        if freshHeader { state.apply(.header(header)) }
        let journal = S3Journal(layout: layout, store: store, options: options, nextSegment: takeover + 1,
                                nextSeq: state.lastSeq + 1, lease: lease)
        journal.startLeaseTasks()

        var wait: Duration?
        if let previous, previous.owner != options.owner {
            let until = previous.observedAt + previous.ttl
            let remaining = until - options.clock.now()
            if remaining > .zero {
                wait = remaining
                if options.waitsForPreviousOwner {
                    options.notice?("\(layout.location): the lease of a previous task (\(previous.owner)) may still be live; "
                                    + "waiting \(remaining.secondsText) "
                                    + "before any work")
                    do { try await options.clock.sleep(for: remaining) } catch {
                        journal.abandon()
                        throw IngestError(code: .cancelled, message: "the run was cancelled while it waited for the shard's lease")
                    }
                }
            }
        }
        if options.waitsForPreviousOwner || wait == nil { journal.core.withLock { $0.mayDelete = true } }
        return Opened(journal: journal, state: state, warnings: replayed.warnings, previousOwnerWait: wait)
    }

    /// Tests that do not wait in `open` call this once they have modelled the wait.
    package func previousOwnerWaitIsOver() { core.withLock { $0.mayDelete = true } }

    private static func refuseOtherShard(_ state: JournalState, layout: S3JournalLayout, header: JournalHeader) throws {
        guard let recorded = state.header, recorded.shard != header.shard else { return }
        throw IngestError.shardMismatch(location: layout.location, recorded: recorded.shard, requested: header.shard,
                                        ownCheckpoint: "--checkpoint prefix")
    }

    /// The shard count is fixed for a prefix: journals of another count (or of the whole manifest beside
    /// shards) would ingest items twice.
    private static func refuseOtherShardCounts(store: any JournalObjectStore, layout: S3JournalLayout,
                                               header: JournalHeader) async throws {
        let keys = try await store.list(prefix: layout.prefix)
        let ours = layout.shardDirectory
        for (directory, shard) in S3JournalLayout.shardDirectories(in: keys, prefix: layout.prefix) where directory != ours {
            let sameCount = shard != nil && header.shard != nil && shard.map { "\($0.count)" } == header.shard?.split(separator: "/").last.map(String.init)
            guard !sameCount else { continue }
            throw IngestError(
                code: .usageShardMismatch,
                message: "s3://\(layout.bucket)/\(layout.prefix) holds the checkpoint of "
                    + "\(shard.map { "shard \($0)" } ?? "a run of the whole manifest"); this run is "
                    + "\(header.shard.map { "shard \($0)" } ?? "of the whole manifest")",
                hint: "the shard count is fixed for a checkpoint prefix: run with the same count, or give this run its own prefix")
        }
    }
}
