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
    var faults = FaultPlan.none
    var crashAtWrite: Int?
    private(set) var dead = false
    var onCrash: @Sendable () -> Void = {}
    /// Called after an upload completes (e.g. to move it to processed/ and attach an OVP).
    var processor: (@Sendable (String, [String: String]) async -> Void)?

    func configure(faults: FaultPlan = .none, crashAtWrite: Int? = nil, onCrash: @escaping @Sendable () -> Void = {},
                   processor: (@Sendable (String, [String: String]) async -> Void)? = nil) {
        self.faults = faults
        self.crashAtWrite = crashAtWrite
        self.onCrash = onCrash
        self.processor = processor
        self.dead = false
    }

    func head(key: String) async throws -> ObjectInfo? {
        if dead { throw SimulatedCrash() }
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
                onState: @escaping @Sendable (UploadStateChange) async -> Void,
                progress: @escaping @Sendable (Int64) -> Void) async throws -> UploadOutcome {
        if dead { throw SimulatedCrash() }
        writeCount += 1
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        await onState(.state(.object(["upload_id": .string("up-\(key)"), "parts": .number(1)])))
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
