import Foundation
import IngestCore
import IngestTestSupport
@testable import Pipeline
import Testing

/// The S3 checkpoint's journal against an in-memory store: group commit, replay from a snapshot and
/// segments, damaged and foreign objects, shard checks, the lease's renewal and release.
@Suite struct S3JournalTests {
    let header = S3JournalFencingTests.header
    let layout = S3JournalFencingTests.layout

    /// Options for `owner`. Tests that are not about the lease get a 10-minute TTL: a 30 s one (give-up at 24 s)
    /// fenced `replayStarts…` and `concurrentDurableAppends…` in whole suites where other tests kept the cooperative
    /// pool's two threads busy that long (the owner then gives up by the rule, and the test fails on an unrelated
    /// point). The lease tests below set their own TTLs.
    func options(_ owner: String = "owner", ttl: Duration = .seconds(600)) -> S3Journal.Options {
        var options = S3Journal.Options()
        options.owner = owner
        options.leaseTTL = ttl
        options.minimumPutInterval = .zero
        return options
    }

    func done(_ id: String) -> JournalEntry { S3JournalFencingTests.done(id) }

    @Test func concurrentDurableAppendsShareSegments() async throws {
        let store = InMemoryJournalStore()
        var options = options()
        options.minimumPutInterval = .milliseconds(20)
        let opened = try await S3Journal.open(store: store.view(as: "w"), layout: layout, header: header, options: options)
        let before = store.requestCounts.puts
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 { group.addTask { try await opened.journal.append(done("i\(index)"), durable: true) } }
            try await group.waitForAll()
        }
        let puts = store.requestCounts.puts - before
        #expect(puts < 100, "\(puts) PUTs for 200 durable appends")
        try await opened.journal.close()
        let replayed = try await S3Journal.replay(store: store.view(as: "r"), layout: layout)
        for index in 0..<200 { #expect(replayed.state.item("i\(index)").assetUID == "asse_i\(index)") }
    }

    @Test func lazyAppendsAreWrittenWithinTheFlushInterval() async throws {
        let store = InMemoryJournalStore()
        var options = options()
        options.flushInterval = .milliseconds(100)
        let opened = try await S3Journal.open(store: store.view(as: "w"), layout: layout, header: header, options: options)
        for index in 0..<10 { try opened.journal.appendLater(done("l\(index)")) }
        // 300x the interval: other suites share the cooperative pool's two threads.
        #expect(try await eventually(timeout: .seconds(30)) {
            (try? await S3Journal.replay(store: store.view(as: "r"), layout: layout))?.state.item("l9").assetUID != nil
        })
        // Ten lazy records went in one segment after the takeover segment.
        #expect(store.keys.filter { $0.contains("/seg-") }.count == 2)
        opened.journal.abandon()
    }

    @Test func replayStartsFromTheNewestSnapshotAndAppliesLaterSegments() async throws {
        let store = InMemoryJournalStore()
        let first = try await S3Journal.open(store: store.view(as: "w"), layout: layout, header: header, options: options())
        var state = first.state
        for id in ["a", "b"] {
            try await first.journal.append(done(id), durable: true)
            state.apply(done(id))
        }
        try await first.journal.compact(state)
        try await first.journal.append(done("c"), durable: true)
        try await first.journal.close()
        let keys = store.keys.map { String($0.split(separator: "/").last!) }
        #expect(keys.contains("snap-00000000000000000003.jsonl"))
        #expect(!keys.contains("seg-00000000000000000001.jsonl") && keys.contains("seg-00000000000000000004.jsonl"), "\(keys)")
        let again = try await S3Journal.open(store: store.view(as: "w2"), layout: layout, header: header, options: options("w2"))
        #expect(again.previousOwnerWait == nil, "a released lease needs no wait")
        for id in ["a", "b", "c"] { #expect(again.state.item(id).assetUID == "asse_\(id)") }
        #expect(again.state.header?.shard == "1/2")
        again.journal.abandon()
    }

    @Test func foreignObjectsAreLeftAloneAndDamagedSegmentsAreRefusedNamingTheKey() async throws {
        let store = InMemoryJournalStore()
        let opened = try await S3Journal.open(store: store.view(as: "w"), layout: layout, header: header, options: options())
        try await opened.journal.append(done("a"), durable: true)
        try await opened.journal.close()
        store.plant(layout.directory + "notes.txt", Array("hello\n".utf8))
        store.plant(layout.directory + "seg-12.jsonl", Array("short name\n".utf8))
        let replayed = try await S3Journal.replay(store: store.view(as: "r"), layout: layout)
        #expect(replayed.warnings.count == 2)
        #expect(replayed.state.item("a").assetUID == "asse_a")

        var damaged = JournalCodec.encode(.entry(done("b")))
        damaged[10] ^= 0x01
        store.plant(layout.segmentKey(3), damaged)
        await #expect { try await S3Journal.replay(store: store.view(as: "r"), layout: layout) } throws: { error in
            let failure = IngestError.from(error)
            return failure.code == .checkpointCorrupt && failure.message.contains("seg-00000000000000000003.jsonl")
        }
        store.plant(layout.segmentKey(3), Array(JournalCodec.encode(.entry(done("b"))).dropLast()))
        await #expect { try await S3Journal.replay(store: store.view(as: "r"), layout: layout) } throws: { error in
            IngestError.from(error).code == .checkpointCorrupt
        }
        // A gap in the segments (one deleted by hand) is refused too.
        store.plant(layout.segmentKey(3), JournalCodec.encode(.entry(done("b"))))
        store.plant(layout.segmentKey(5), JournalCodec.encode(.entry(done("d"))))
        await #expect { try await S3Journal.replay(store: store.view(as: "r"), layout: layout) } throws: { error in
            IngestError.from(error).code == .checkpointCorrupt
        }
    }

    @Test func aJournalOfAnotherShardOrShardCountIsRefusedBeforeAnythingIsWritten() async throws {
        let store = InMemoryJournalStore()
        let opened = try await S3Journal.open(store: store.view(as: "w"), layout: layout, header: header, options: options())
        try await opened.journal.close()
        let before = store.keys
        var other = header
        other.shard = "1/3"
        let otherLayout = S3JournalLayout(bucket: "ckpt", prefix: "run/", shard: try Shard(index: 1, count: 3))
        await #expect { try await S3Journal.open(store: store.view(as: "x"), layout: otherLayout, header: other, options: options("x")) }
            throws: { IngestError.from($0).code == .usageShardMismatch }
        var whole = header
        whole.shard = nil
        // The same directory under another header (an edited layout) is refused like the file.
        await #expect { try await S3Journal.open(store: store.view(as: "y"), layout: layout, header: whole, options: options("y")) }
            throws: { IngestError.from($0).code == .usageShardMismatch }
        #expect(store.keys == before)
    }

    @Test func aStoreThatIgnoresConditionsIsRefused() async throws {
        let store = InMemoryJournalStore()
        store.ignoresConditions = true
        await #expect { try await S3Journal.open(store: store.view(as: "w"), layout: layout, header: header, options: options()) }
            throws: { IngestError.from($0).code == .checkpointStoreUnsupported }
        #expect(store.keys.isEmpty, "nothing of the journal was written: \(store.keys)")
    }

    @Test func theOwnerRenewsItsLeaseAndANewcomerFencesItThroughTheLeaseAlone() async throws {
        let store = InMemoryJournalStore()
        let fenced = Locked<IngestError?>(nil)
        // A TTL long enough that a loaded machine still renews in time: renewal every 6.7 s, give-up at 16 s, so a
        // renewal may be 9 s late. A TTL of 3 s, then 10 s, was missed in the whole suite, where other tests hold
        // the cooperative pool's two threads for seconds (an owner starved that long gives up: that is the rule).
        var first = options("a", ttl: .seconds(20))
        first.onFenced = { error in fenced.withLock { $0 = error } }
        let a = try await S3Journal.open(store: store.view(as: "a"), layout: layout, header: header, options: first)
        let generation = a.journal.core.withLock { $0.lease.generation }
        #expect(try await eventually(timeout: .seconds(90)) { a.journal.core.withLock { $0.lease.generation } >= generation + 2 })
        #expect(fenced.withLock { $0 } == nil, "renewals keep an idle owner alive across several TTLs")
        var second = options("b", ttl: .seconds(20))
        second.waitsForPreviousOwner = true
        let started = ContinuousClock.now
        let b = try await S3Journal.open(store: store.view(as: "b"), layout: layout, header: header, options: second)
        #expect(ContinuousClock.now - started >= .seconds(20), "B waited out A's lease")
        #expect(fenced.withLock { $0?.code } == .checkpointFenced, "A learned it was fenced (renewal or watchdog)")
        await #expect { try await a.journal.append(done("x"), durable: true) } throws: { IngestError.from($0).code == .checkpointFenced }
        try await b.journal.close()
    }

    @Test func anOwnerThatCannotRenewGivesUpBeforeItsLeaseRunsOut() async throws {
        let store = InMemoryJournalStore()
        let fenced = Locked<IngestError?>(nil)
        var options = options("a", ttl: .milliseconds(500))
        options.onFenced = { error in fenced.withLock { $0 = error } }
        let broken = BrokenLeaseStore(base: store.view(as: "a"), leaseKey: layout.leaseKey)
        let a = try await S3Journal.open(store: broken, layout: layout, header: header, options: options)
        broken.failLease.withLock { $0 = true }
        #expect(try await eventually(timeout: .seconds(10)) { fenced.withLock { $0 } != nil })
        #expect(fenced.withLock { $0?.code } == .checkpointFenced)
        await #expect { try await a.journal.append(done("x"), durable: true) } throws: { IngestError.from($0).code == .checkpointFenced }
    }
}

extension S3JournalTests {
    @Test func theShardSourceReadsEveryShardDirectoryUnderThePrefix() async throws {
        let store = InMemoryJournalStore()
        for index in [2, 1] {
            var header = header
            header.shard = "\(index)/2"
            let layout = S3JournalLayout(bucket: "ckpt", prefix: "run/", shard: try Shard(index: index, count: 2))
            let opened = try await S3Journal.open(store: store.view(as: "w\(index)"), layout: layout, header: header,
                                                  options: options("w\(index)"))
            try await opened.journal.append(done("item-\(index)"), durable: true)
            try await opened.journal.close()
        }
        store.plant("run/notes.txt", Array("not a shard\n".utf8))
        let journals = try await S3ShardJournalSource(url: "s3://ckpt/run/", store: store.view(as: "reader")).load()
        #expect(journals.map(\.shard) == ["1/2", "2/2"])
        #expect(journals.map(\.location) == ["s3://ckpt/run/shard-1-of-2/", "s3://ckpt/run/shard-2-of-2/"])
        #expect(journals[0].replay.state.item("item-1").assetUID == "asse_item-1")
        #expect(journals[1].replay.state.item("item-2").assetUID == "asse_item-2")
        #expect(throws: IngestError.self) { try S3ShardJournalSource(url: "s3:///run/", store: store.view(as: "reader")) }
    }
}

/// A store whose lease writes fail (a network partition between the owner and S3's lease object).
struct BrokenLeaseStore: JournalObjectStore {
    let base: InMemoryJournalStore.View
    let leaseKey: String
    let failLease = Locked(false)

    func put(_ key: String, _ body: [UInt8], condition: JournalWriteCondition) async throws -> JournalPutResult {
        if key == leaseKey && failLease.withLock({ $0 }) { throw IngestError(code: .netConnect, message: "partitioned") }
        return try await base.put(key, body, condition: condition)
    }
    func get(_ key: String) async throws -> JournalObject? { try await base.get(key) }
    func list(prefix: String) async throws -> [String] { try await base.list(prefix: prefix) }
    func delete(_ key: String) async throws { try await base.delete(key) }
}
