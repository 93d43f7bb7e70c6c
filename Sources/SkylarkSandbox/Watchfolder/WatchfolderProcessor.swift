import Foundation

/// Skylark's watchfolder behaviour: each new object in the bucket is linked to an asset (advanced: the
/// `uid` in its `asset` metadata; simple: the asset named after the file), gets one OVP per ingest
/// provider, and is moved to `processed/<key>` (or `failed/<key>` when refused).
///
/// Idempotent: the store records each (key, ETag) before the object is moved, so an object seen again
/// (a crash between copy and delete) is moved again without a second OVP or a second ingestion. Once
/// the move is done the record says so: the same key uploaded again later is processed again and
/// counted again (`timesProcessed`), which is how duplicate uploads show.
struct WatchfolderProcessor: Sendable {
    let bucket: any WatchfolderBucket
    let keeper: StoreKeeper
    let providers: [String]
    let log: RequestLog

    /// Prefixes Skylark writes to itself; never processed.
    static let skippedPrefixes = ["processed/", "failed/"]

    /// Lists the bucket once and processes every waiting object; returns how many were handled.
    @discardableResult
    func pollOnce() async throws -> Int {
        var handled = 0
        for object in try await bucket.listObjects()
        where !Self.skippedPrefixes.contains(where: { object.key.hasPrefix($0) }) {
            if Task.isCancelled { break }
            do {
                if try await process(object) { handled += 1 }
            } catch {
                log.event("watchfolder: \(object.key): \(error) (will retry)")
            }
        }
        return handled
    }

    private func process(_ object: WatchfolderObject) async throws -> Bool {
        guard let info = try await bucket.headObject(key: object.key) else { return false }
        let key = object.key
        let providers = self.providers
        let etag = info.etag
        let outcome = try await keeper.mutate { store in
            store.ingestWatchfolderObject(key: key, etag: info.etag, size: info.size, assetMetadata: info.metadata["asset"],
                                          providers: providers, now: Date())
        }
        let destination: String
        switch outcome {
        case .ingested(let uid, let isNew):
            destination = "processed/\(key)"
            log.event("watchfolder: \(key) → \(uid)\(isNew ? "" : " (seen before)")")
        case .rejected(let code, let message):
            destination = "failed/\(key)"
            log.event("watchfolder: \(key) refused [\(code)]: \(message)")
        }
        try await bucket.copyObject(key: key, to: destination)
        try await bucket.deleteObject(key: key)
        if case .ingested = outcome {
            try await keeper.mutate { store in store.watchfolderObjectMoved(key: key, etag: etag) }
        }
        return true
    }
}
