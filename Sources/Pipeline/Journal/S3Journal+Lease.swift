import Foundation
import IngestCore

/// The lease object (`lease.json`): who owns the shard's journal and for how long after each renewal.
/// Only its ETag matters for exclusion (every write is conditional); the body tells a newcomer the
/// previous owner's TTL and whether it released the lease on a clean exit.
struct S3JournalLease: Codable, Sendable, Hashable {
    var owner: String
    var generation: UInt64
    var ttlMilliseconds: Int64
    var released: Bool
    /// Wall-clock time of the write, for people reading the object (never compared across machines).
    var writtenAt: String

    enum CodingKeys: String, CodingKey {
        case owner, generation, released
        case ttlMilliseconds = "ttl_ms"
        case writtenAt = "written_at"
    }

    static func encode(owner: String, generation: UInt64, ttl: Duration, released: Bool) -> [UInt8] {
        let lease = S3JournalLease(owner: owner, generation: generation, ttlMilliseconds: ttl.milliseconds, released: released,
                                   writtenAt: Timestamp.now())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(lease)) ?? Data()) + [0x0A]
    }

    static func decode(_ bytes: [UInt8]) -> S3JournalLease? {
        try? JSONDecoder().decode(S3JournalLease.self, from: Data(bytes))
    }

    var ttl: Duration { .milliseconds(ttlMilliseconds) }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension S3Journal {
    /// The previous owner a newcomer found in the lease.
    struct PreviousOwner: Sendable {
        var owner: String
        var ttl: Duration
        /// On this process's clock, when the lease that named it was read (after the GET returned, so no
        /// later than any renewal of its could have been sent).
        var observedAt: Duration
    }

    /// Takes the lease: `If-None-Match: *` when there is none, else `If-Match` on the ETag just read. A 412
    /// means someone else wrote it in between: read again (bounded). Returns the hold and the previous owner
    /// that must be waited out (nil when there was none or it released the lease).
    static func acquireLease(store: any JournalObjectStore, layout: S3JournalLayout, options: Options) async throws
        -> (LeaseHold, PreviousOwner?) {
        for _ in 0..<options.takeoverAttempts {
            let current = try await store.get(layout.leaseKey)
            let observedAt = options.clock.now()
            var previous: PreviousOwner?
            var generation: UInt64 = 1
            if let current {
                let lease = S3JournalLease.decode(current.body)
                generation = (lease?.generation ?? 0) + 1
                if lease?.released != true {
                    // An unreadable lease is treated as a live owner with our own TTL.
                    previous = PreviousOwner(owner: lease?.owner ?? "unknown", ttl: lease?.ttl ?? options.leaseTTL,
                                             observedAt: observedAt)
                }
            }
            let body = S3JournalLease.encode(owner: options.owner, generation: generation, ttl: options.leaseTTL, released: false)
            let sentAt = options.clock.now()
            let result = try await store.put(layout.leaseKey, body,
                                             condition: current.map { .ifMatch($0.etag) } ?? .ifNoneMatch)
            switch result {
            case .stored(let etag):
                return (LeaseHold(etag: etag, generation: generation, sentAt: sentAt), previous)
            case .preconditionFailed:
                // Our own write whose answer was lost (the client sent it again)?
                if let now = try await store.get(layout.leaseKey), now.body == body {
                    return (LeaseHold(etag: now.etag, generation: generation, sentAt: sentAt), previous)
                }
                continue
            }
        }
        throw IngestError(code: .checkpointFenced, message:
            "\(layout.location): could not take the lease in \(options.takeoverAttempts) attempts: other tasks keep changing it",
            hint: "more than one task is starting on this shard; run one task per shard")
    }

    /// Renews the lease once: `If-Match` on the ETag of our last write. A 412 that is not our own write
    /// means another task took the lease: the journal is fenced.
    func renewLease() async throws {
        guard commit.isOpen else { return }
        let held = core.withLock { $0.lease }
        let body = S3JournalLease.encode(owner: options.owner, generation: held.generation + 1, ttl: options.leaseTTL,
                                         released: false)
        let sentAt = options.clock.now()
        var etag: String
        switch try await store.put(layout.leaseKey, body, condition: .ifMatch(held.etag)) {
        case .stored(let stored):
            etag = stored
        case .preconditionFailed:
            guard let current = try await store.get(layout.leaseKey), current.body == body else {
                let error = fencedError("another task took the lease")
                fence(error)
                throw error
            }
            etag = current.etag
        }
        core.withLock { core in
            if core.lease.generation == held.generation {
                core.lease = LeaseHold(etag: etag, generation: held.generation + 1, sentAt: sentAt)
            }
        }
    }

    /// Starts the renewer (every `renewInterval`, sooner after a failure) and the watchdog that gives the
    /// lease up `giveUp` after the send time of the last successful renewal.
    func startLeaseTasks() {
        guard options.renews else { return }
        let renewer = Task { [weak self] in
            var delay = self?.options.renewInterval ?? .seconds(1)
            while !Task.isCancelled, let journal = self {
                do { try await journal.options.clock.sleep(for: delay) } catch { return }
                do {
                    try await journal.renewLease()
                    delay = journal.options.renewInterval
                } catch let error as IngestError where error.code == .checkpointFenced {
                    return
                } catch {
                    delay = journal.options.renewInterval / 4
                }
            }
        }
        let watchdog = Task { [weak self] in
            while !Task.isCancelled, let journal = self {
                let (sentAt, now) = journal.core.withLock { ($0.lease.sentAt, journal.options.clock.now()) }
                let deadline = sentAt + journal.options.giveUp
                if now >= deadline {
                    // Past the give-up point no new effect starts (a segment answered now is not durable). A
                    // renewal that still succeeds proves no newcomer took the lease (it is conditional on our
                    // ETag), so an owner that was only starved of CPU (a loaded machine) may go on; anything
                    // else, or a renewal refused, gives the shard up.
                    if (try? await journal.renewLease()) != nil,
                       journal.core.withLock({ $0.lease.sentAt > sentAt }), journal.commit.failure == nil {
                        continue
                    }
                    journal.fence(journal.fencedError(
                        "the lease could not be renewed for \(journal.options.giveUp) (its TTL is \(journal.options.leaseTTL))"))
                    return
                }
                do { try await journal.options.clock.sleep(for: deadline - now) } catch { return }
            }
        }
        tasks.withLock { $0 += [renewer, watchdog] }
    }

    /// Checks that the store refuses what conditional writes must refuse, on a probe object of this owner:
    /// a second `If-None-Match: *` and an `If-Match` on a wrong ETag. A store that ignores either would let
    /// two tasks write one shard's journal, so it is refused (`CHECKPOINT_STORE_UNSUPPORTED`).
    static func verifyConditionalWrites(store: any JournalObjectStore, layout: S3JournalLayout, owner: String) async throws {
        let key = layout.directory + "probe-" + owner
        func unsupported(_ what: String) -> IngestError {
            IngestError(code: .checkpointStoreUnsupported,
                        message: "the object store of s3://\(layout.bucket) ignores \(what) on PUT",
                        hint: "keep the checkpoint in a store that honours conditional writes (AWS S3 does), "
                            + "or use a local --checkpoint FILE")
        }
        guard case .stored(let etag) = try await store.put(key, Array("probe 1\n".utf8), condition: .ifNoneMatch) else {
            throw unsupported("If-None-Match (a new key was refused)")
        }
        do {
            try await checkRefusals(store: store, key: key, etag: etag, unsupported: unsupported)
        } catch {
            try? await store.delete(key)
            throw error
        }
        try await store.delete(key)
    }

    private static func checkRefusals(store: any JournalObjectStore, key: String, etag: String,
                                      unsupported: (String) -> IngestError) async throws {
        guard try await store.put(key, Array("probe 2\n".utf8), condition: .ifNoneMatch) == .preconditionFailed else {
            throw unsupported("If-None-Match: *")
        }
        guard try await store.put(key, Array("probe 3\n".utf8), condition: .ifMatch("0123456789abcdef0123456789abcdef"))
                == .preconditionFailed else {
            throw unsupported("If-Match")
        }
        guard case .stored = try await store.put(key, Array("probe 4\n".utf8), condition: .ifMatch(etag)) else {
            throw unsupported("If-Match (the current ETag was refused)")
        }
    }
}

extension Duration {
    /// "12.5 s".
    var secondsText: String {
        let tenths = milliseconds / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
