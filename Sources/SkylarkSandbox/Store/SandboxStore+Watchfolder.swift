import Foundation
import IngestCore

/// What the watchfolder processor does with one object, decided by `SandboxStore.ingestWatchfolderObject`.
public enum WatchfolderOutcome: Sendable, Equatable {
    /// Linked to `assetUID`: copy to `processed/<key>`, delete the original. `isNewIngestion` is false
    /// when the processor is finishing the move of an object it already recorded (a failure or crash
    /// between recording and deleting); a new upload under a processed key is a new ingestion even with
    /// the same ETag.
    case ingested(assetUID: String, isNewIngestion: Bool)
    /// Refused: copy to `failed/<key>`, delete the original.
    case rejected(code: String, message: String)
}

extension SandboxStore {
    /// Ingests the watchfolder object `key`: links it to an asset (advanced: the `uid` in the `asset`
    /// metadata; simple: the asset whose data source id is the file name without extension, created when
    /// absent), adds one OVP per provider, and records it. Idempotent per (key, ETag) for OVPs; every
    /// processing of a new appearance of `key` counts in `timesProcessed` (call `watchfolderObjectMoved`
    /// once the object has left the root, so that a later upload under the same key counts again).
    public mutating func ingestWatchfolderObject(key: String, etag: String, size: Int64, assetMetadata: String?,
                                                 providers: [String], now: Date) -> WatchfolderOutcome {
        let assetUID: String
        if let assetMetadata {
            guard let uid = Self.uid(fromAssetMetadata: assetMetadata) else {
                return reject(key: key, etag: etag, code: "WATCHFOLDER_BAD_METADATA",
                              message: "metadata 'asset' must be JSON {\"uid\": \"asse_…\"}, got \(assetMetadata)", now: now)
            }
            guard assetPosition(uid) != nil else {
                return reject(key: key, etag: etag, code: "WATCHFOLDER_UNKNOWN_ASSET",
                              message: "metadata 'asset' names \(uid), which does not exist", now: now)
            }
            assetUID = uid
        } else {
            assetUID = findOrCreateDataSourceAsset(named: SkylarkDataSource.id(forKey: key))
        }
        guard let i = assetPosition(assetUID) else {
            return reject(key: key, etag: etag, code: "WATCHFOLDER_UNKNOWN_ASSET", message: "asset vanished", now: now)
        }
        updateAsset(at: i) { asset in
            for provider in providers where !asset.ovps.contains(where: { $0.provider == provider && $0.key == key }) {
                asset.ovps.append(OVPRecord(provider: provider, ovpID: "ovp_\(UID.make(.asset).suffix(32))", key: key))
            }
        }
        var record = processedPosition(key).map { state.processedObjects[$0] }
            ?? ProcessedObjectRecord(key: key, etag: etag, size: size, assetUID: assetUID, processedAt: now, count: 0,
                                     etags: [], timesProcessed: 0, awaitingMove: false)
        let finishingMove = record.awaitingMove && record.etag == etag
        let isNew = !finishingMove
        if !record.etags.contains(etag) { record.etags.append(etag) }
        if isNew { record.timesProcessed += 1 }
        record.awaitingMove = true
        record.count += 1
        record.etag = etag
        record.size = size
        record.assetUID = assetUID
        record.processedAt = now
        upsertProcessed(record)
        return .ingested(assetUID: assetUID, isNewIngestion: isNew)
    }

    /// Records that the object processed under `key` with `etag` has left the watchfolder root.
    public mutating func watchfolderObjectMoved(key: String, etag: String) {
        guard let i = processedPosition(key), state.processedObjects[i].etag == etag else { return }
        var record = state.processedObjects[i]
        record.awaitingMove = false
        upsertProcessed(record)
    }

    private mutating func reject(key: String, etag: String, code: String, message: String, now: Date) -> WatchfolderOutcome {
        if !state.watchfolderErrors.contains(where: { $0.key == key && $0.etag == etag }) {
            appendWatchfolderError(WatchfolderErrorRecord(key: key, etag: etag, code: code, message: message, at: now))
        }
        return .rejected(code: code, message: message)
    }

    private mutating func findOrCreateDataSourceAsset(named name: String) -> String {
        if let i = assetPosition(dataSourceID: name) { return state.assets[i].uid }
        let base = Slug.derive(from: name).isEmpty ? "asset" : Slug.derive(from: name)
        var slug = base
        var n = 2
        while assetPosition(slug: slug) != nil {
            slug = "\(base)-\(n)"
            n += 1
        }
        let asset = AssetRecord(uid: UID.make(.asset), title: name, slug: slug, assetTypeUID: nil, textTrackUIDs: [],
                                ovps: [], dataSourceID: name, extra: [:])
        appendAsset(asset)
        return asset.uid
    }

    /// The uid in an `asset` metadata value `{"uid": "asse_…"}`, if well formed.
    public static func uid(fromAssetMetadata text: String) -> String? {
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8)),
              object.count == 1, case .string(let uid)? = object["uid"], SkylarkUID.isValid(uid, kind: .asset)
        else { return nil }
        return uid
    }
}
