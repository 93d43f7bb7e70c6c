import Foundation
import IngestCore
@testable import Pipeline

/// An in-memory watchfolder bucket: objects by key, upload counters, faults, a crash switch, and
/// an optional processor that moves uploads to `processed/` (as Skylark does).
actor FakeObjectStore: ObjectStore {
    struct Object: Sendable {
        var size: Int64
        var etag: String
        var metadata: [String: String]
    }

    nonisolated let bucket = "watchfolder"
    private(set) var objects: [String: Object] = [:]
    /// Completed uploads per key.
    private(set) var uploads: [String: Int] = [:]
    private(set) var writeCount = 0
    /// HEAD requests answered (the transfer stage's looks for its object).
    private(set) var headCount = 0
    /// Uploads refused because the key held an object (`If-None-Match: *`, as `WatchfolderStore` sends).
    private(set) var refusedUploads = 0
    var faults = FaultPlan.none
    var crashAtWrite: Int?
    private(set) var dead = false
    var onCrash: @Sendable () -> Void = {}
    /// Called after an upload completes (e.g. to move it to processed/ and attach an OVP).
    var processor: (@Sendable (String, [String: String]) async -> Void)?
    /// The next upload loses its answer (a reset) and lands this long after.
    private var lateLanding: Duration?
    /// Uploads on their way that the store commits at their instant (applied before any call made after it).
    private var landings: [(at: ContinuousClock.Instant, key: String, data: Data, metadata: [String: String])] = []

    /// The next upload's connection breaks (`NET_CONNECTION_RESET`) and the store commits it `delay` later, as a
    /// store that had the whole request does after the connection is gone.
    func landNextUploadLate(after delay: Duration) { lateLanding = delay }

    /// An upload of `path` under `key` that a dead writer sent: the store commits it at `instant`, then the
    /// processor runs. Kept by the clock, not by a task, so a busy test machine cannot reorder it.
    func land(path: String, key: String, metadata: [String: String], at instant: ContinuousClock.Instant) throws {
        landings.append((instant, key, try Data(contentsOf: URL(fileURLWithPath: path)), metadata))
    }

    /// Commits the uploads whose instant has come.
    func applyDueLandings() async {
        let now = ContinuousClock.now
        let due = landings.filter { $0.at <= now }
        landings.removeAll { $0.at <= now }
        for landing in due {
            objects[landing.key] = Object(size: Int64(landing.data.count), etag: Self.etag(of: landing.data),
                                          metadata: landing.metadata)
            uploads[landing.key, default: 0] += 1
            if let processor { await processor(landing.key, landing.metadata) }
        }
    }

    func configure(faults: FaultPlan = .none, crashAtWrite: Int? = nil, onCrash: @escaping @Sendable () -> Void = {},
                   processor: (@Sendable (String, [String: String]) async -> Void)? = nil) {
        self.faults = faults
        self.crashAtWrite = crashAtWrite
        self.onCrash = onCrash
        self.processor = processor
        self.dead = false
    }

    func head(key: String) async throws -> ObjectInfo? {
        await applyDueLandings()
        if dead { throw SimulatedCrash() }
        headCount += 1
        return objects[key].map { ObjectInfo(size: $0.size, etag: $0.etag, metadata: $0.metadata) }
    }

    /// The ETag `upload` gives the file at `path`.
    func contentETags(path: String, size: Int64, resume: JSONValue?) async throws -> Set<String> {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return [Self.etag(of: data)]
    }

    static func etag(of data: Data) -> String { "\"\(Fingerprint.fnv1a64(String(decoding: data, as: UTF8.self)))\"" }

    /// Places an object as if someone else had uploaded it.
    func place(_ key: String, size: Int64, metadata: [String: String]) {
        objects[key] = Object(size: size, etag: "\"foreign\"", metadata: metadata)
    }

    /// Moves `key` to `processed/<key>` (the watchfolder processor).
    func moveToProcessed(_ key: String) {
        guard let object = objects.removeValue(forKey: key) else { return }
        objects["processed/" + key] = object
    }

    func upload(path: String, key: String, metadata: [String: String], resume: JSONValue?,
                onState: @escaping @Sendable (UploadStateChange) async throws -> Void,
                progress: @escaping @Sendable (Int64) -> Void) async throws -> UploadOutcome {
        await applyDueLandings()
        if dead { throw SimulatedCrash() }
        writeCount += 1
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try await onState(.state(.object(["upload_id": .string("up-\(key)"), "parts": .number(1)])))
        try await onState(.committing)
        if objects[key] != nil {
            // `If-None-Match: *`: the store refuses to replace an object (the real uploader's 412).
            refusedUploads += 1
            throw IngestError(code: .s3OutcomeUnknown, message: "s3://\(bucket)/\(key): the key already holds an object",
                              retryable: true)
        }
        if let delay = lateLanding {
            lateLanding = nil
            landings.append((.now + delay, key, data, metadata))
            throw IngestError(code: .netConnectionReset, message: "injected reset after the whole request was sent",
                              retryable: true)
        }
        let commit = {
            let etag = Self.etag(of: data)
            self.objects[key] = Object(size: Int64(data.count), etag: etag, metadata: metadata)
            self.uploads[key, default: 0] += 1
            return UploadOutcome(etag: etag, bytes: Int64(data.count))
        }
        if let crashAtWrite, writeCount >= crashAtWrite {
            if writeCount % 2 == 0 { _ = commit() }
            dead = true
            onCrash()
            throw SimulatedCrash()
        }
        let outcome: UploadOutcome
        switch faults.next() {
        case .none: outcome = commit()
        case .fail: throw injected500
        case .commitThenFail:
            _ = commit()
            throw injected500
        }
        progress(outcome.bytes)
        if let processor { await processor(key, metadata) }
        return outcome
    }
}
