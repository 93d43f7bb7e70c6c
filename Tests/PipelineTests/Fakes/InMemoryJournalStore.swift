import Foundation
import IngestCore
@testable import Pipeline

/// An object store in memory with S3's exact precondition semantics (`If-None-Match: *`, `If-Match`),
/// counting every request. `view(as:)` gives each writer its own door to it, which an `Interleaver` can hold
/// shut request by request.
final class InMemoryJournalStore: Sendable {
    struct Counts: Sendable {
        var puts = 0, gets = 0, lists = 0, deletes = 0, preconditionFailures = 0, bytesPut = 0
    }

    private struct State {
        var objects: [String: JournalObject] = [:]
        var etagCounter = 0
        var counts = Counts()
        var ignoresConditions = false
    }

    private let state = Locked(State())
    /// Makes conditions ignored (a store without conditional writes).
    var ignoresConditions: Bool {
        get { state.withLock { $0.ignoresConditions } }
        set { state.withLock { $0.ignoresConditions = newValue } }
    }

    var snapshot: [String: JournalObject] { state.withLock { $0.objects } }
    var requestCounts: Counts { state.withLock { $0.counts } }
    var keys: [String] { state.withLock { $0.objects.keys.sorted() } }

    func put(_ key: String, _ body: [UInt8], condition: JournalWriteCondition) -> JournalPutResult {
        state.withLock { state in
            state.counts.puts += 1
            let current = state.objects[key]
            if !state.ignoresConditions {
                switch condition {
                case .ifNoneMatch where current != nil,
                     .ifMatch where current == nil:
                    state.counts.preconditionFailures += 1
                    return .preconditionFailed
                case .ifMatch(let etag) where current?.etag != etag:
                    state.counts.preconditionFailures += 1
                    return .preconditionFailed
                default: break
                }
            }
            state.etagCounter += 1
            let etag = String(format: "%032x", state.etagCounter)
            state.objects[key] = JournalObject(body: body, etag: etag)
            state.counts.bytesPut += body.count
            return .stored(etag: etag)
        }
    }

    func get(_ key: String) -> JournalObject? { state.withLock { $0.counts.gets += 1; return $0.objects[key] } }
    func list(_ prefix: String) -> [String] {
        state.withLock { $0.counts.lists += 1; return $0.objects.keys.filter { $0.hasPrefix(prefix) } }
    }
    func delete(_ key: String) { state.withLock { $0.counts.deletes += 1; $0.objects[key] = nil } }
    /// Writes behind every writer's back (tests: a foreign or damaged object).
    func plant(_ key: String, _ body: [UInt8]) { state.withLock { $0.objects[key] = JournalObject(body: body, etag: "planted") } }

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
final class Interleaver: Sendable {
    private struct State {
        var pending: [String: (label: String, continuation: CheckedContinuation<Void, Never>)] = [:]
        var running: Set<String> = []
        var quiescent: CheckedContinuation<Void, Never>?
        var trace: [String] = []

        mutating func takeQuiescentIfReady() -> CheckedContinuation<Void, Never>? {
            guard running.isEmpty, let waiter = quiescent else { return nil }
            quiescent = nil
            return waiter
        }
    }

    private let state = Locked(State())
    var trace: [String] { state.withLock { $0.trace } }

    /// Marks `name` as running (its script is about to start).
    func start(_ name: String) { state.withLock { _ = $0.running.insert(name) } }

    /// Marks `name`'s script as finished.
    func finish(_ name: String) {
        let wake = state.withLock { state in
            state.running.remove(name)
            return state.takeQuiescentIfReady()
        }
        wake?.resume()
    }

    func arrive(_ name: String, _ label: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wake = state.withLock { state in
                state.pending[name] = (label, continuation)
                state.running.remove(name)
                return state.takeQuiescentIfReady()
            }
            wake?.resume()
        }
    }

    /// Waits until no writer is running; returns the writers with a request waiting, sorted.
    func waitQuiescent() async -> [String] {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.running.isEmpty { return true }
                state.quiescent = continuation
                return false
            }
            if now { continuation.resume() }
        }
        return state.withLock { $0.pending.keys.sorted() }
    }

    /// Lets `name`'s waiting request through.
    func release(_ name: String) {
        let entry = state.withLock { state in
            let entry = state.pending.removeValue(forKey: name)!
            state.running.insert(name)
            state.trace.append("\(name): \(entry.label)")
            return entry
        }
        entry.continuation.resume()
    }
}

/// A lease clock the test moves: `sleep` returns at once after moving it.
final class ManualLeaseClock: LeaseClock, Sendable {
    private let current = Locked<Duration>(.seconds(1000))

    func now() -> Duration { current.withLock { $0 } }
    func advance(_ by: Duration) { current.withLock { $0 += by } }
    func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        advance(duration)
        await Task.yield()
    }
}
