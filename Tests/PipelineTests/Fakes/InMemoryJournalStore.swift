import Foundation
import IngestCore
@testable import Pipeline

/// An object store in memory with S3's exact precondition semantics (`If-None-Match: *`, `If-Match`),
/// counting every request. `view(as:)` gives each writer its own door to it, which an `Interleaver` can hold
/// shut request by request.
final class InMemoryJournalStore: @unchecked Sendable {
    struct Counts: Sendable {
        var puts = 0, gets = 0, lists = 0, deletes = 0, preconditionFailures = 0, bytesPut = 0
    }

    private let lock = NSLock()
    private var objects: [String: JournalObject] = [:]
    private var etagCounter = 0
    private var counts = Counts()
    /// Makes conditions ignored (a store without conditional writes).
    var ignoresConditions = false

    func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    var snapshot: [String: JournalObject] { locked { objects } }
    var requestCounts: Counts { locked { counts } }
    var keys: [String] { locked { objects.keys.sorted() } }

    func put(_ key: String, _ body: [UInt8], condition: JournalWriteCondition) -> JournalPutResult {
        locked {
            counts.puts += 1
            let current = objects[key]
            if !ignoresConditions {
                switch condition {
                case .ifNoneMatch where current != nil,
                     .ifMatch where current == nil:
                    counts.preconditionFailures += 1
                    return .preconditionFailed
                case .ifMatch(let etag) where current?.etag != etag:
                    counts.preconditionFailures += 1
                    return .preconditionFailed
                default: break
                }
            }
            etagCounter += 1
            let etag = String(format: "%032x", etagCounter)
            objects[key] = JournalObject(body: body, etag: etag)
            counts.bytesPut += body.count
            return .stored(etag: etag)
        }
    }

    func get(_ key: String) -> JournalObject? { locked { counts.gets += 1; return objects[key] } }
    func list(_ prefix: String) -> [String] { locked { counts.lists += 1; return objects.keys.filter { $0.hasPrefix(prefix) } } }
    func delete(_ key: String) { locked { counts.deletes += 1; objects[key] = nil } }
    /// Writes behind every writer's back (tests: a foreign or damaged object).
    func plant(_ key: String, _ body: [UInt8]) { locked { objects[key] = JournalObject(body: body, etag: "planted") } }

    /// The store as writer `name` sees it; with an interleaver, each request waits for its turn.
    func view(as name: String, interleaver: Interleaver? = nil) -> View { View(base: self, name: name, interleaver: interleaver) }

    struct View: JournalObjectStore {
        let base: InMemoryJournalStore
        let name: String
        let interleaver: Interleaver?

        private func turn(_ label: String) async { await interleaver?.arrive(name, label) }

        func put(_ key: String, _ body: [UInt8], condition: JournalWriteCondition) async throws -> JournalPutResult {
            await turn("put \(key.split(separator: "/").last ?? "")")
            return base.put(key, body, condition: condition)
        }
        func get(_ key: String) async throws -> JournalObject? {
            await turn("get \(key.split(separator: "/").last ?? "")")
            return base.get(key)
        }
        func list(prefix: String) async throws -> [String] {
            await turn("list")
            return base.list(prefix)
        }
        func delete(_ key: String) async throws {
            await turn("delete \(key.split(separator: "/").last ?? "")")
            base.delete(key)
        }
    }
}

/// Holds each writer's requests until the test lets one through, so a test can choose the order of every
/// step of two writers. A writer is "running" from the moment one of its requests is let through until it
/// asks for the next one (or its script ends); the test waits for quiescence (no writer running) before it
/// chooses, so the history is one sequence.
final class Interleaver: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [String: (label: String, continuation: CheckedContinuation<Void, Never>)] = [:]
    private var running: Set<String> = []
    private var quiescent: CheckedContinuation<Void, Never>?
    private(set) var trace: [String] = []

    /// Marks `name` as running (its script is about to start).
    func start(_ name: String) { lock.lock(); running.insert(name); lock.unlock() }

    /// Marks `name`'s script as finished.
    func finish(_ name: String) {
        lock.lock()
        running.remove(name)
        let wake = takeQuiescentIfReady()
        lock.unlock()
        wake?.resume()
    }

    func arrive(_ name: String, _ label: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            pending[name] = (label, continuation)
            running.remove(name)
            let wake = takeQuiescentIfReady()
            lock.unlock()
            wake?.resume()
        }
    }

    private func takeQuiescentIfReady() -> CheckedContinuation<Void, Never>? {
        guard running.isEmpty, let waiter = quiescent else { return nil }
        quiescent = nil
        return waiter
    }

    /// Waits until no writer is running; returns the writers with a request waiting, sorted.
    func waitQuiescent() async -> [String] {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if running.isEmpty {
                lock.unlock()
                continuation.resume()
            } else {
                quiescent = continuation
                lock.unlock()
            }
        }
        return waitingWriters()
    }

    private func waitingWriters() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        return pending.keys.sorted()
    }

    /// Lets `name`'s waiting request through.
    func release(_ name: String) {
        lock.lock()
        let entry = pending.removeValue(forKey: name)!
        running.insert(name)
        trace.append("\(name): \(entry.label)")
        lock.unlock()
        entry.continuation.resume()
    }
}

/// A lease clock the test moves: `sleep` returns at once after moving it.
final class ManualLeaseClock: LeaseClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Duration = .seconds(1000)

    func now() -> Duration { lock.lock(); defer { lock.unlock() }; return current }
    func advance(_ by: Duration) { lock.lock(); current += by; lock.unlock() }
    func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        advance(duration)
        await Task.yield()
    }
}
