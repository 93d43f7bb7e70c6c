import Foundation
import IngestCore

/// `transfer`: upload the video to the watchfolder with `asset` = `{"uid": …}` (advanced mode).
///
/// First a HEAD of the key and of `processed/<key>`: an object of the right size and `asset` metadata
/// there means the upload already happened; another upload waiting under the key is a conflict. Otherwise the uploader resumes from the journaled upload state.
enum TransferStage {
    static func run(_ asset: ManifestAsset, _ ctx: StageContext) async throws {
        let id = asset.id
        let store = ctx.store
        let key = asset.effectiveKey
        let path = asset.videoPath
        let size = try fileSize(path, item: id)
        let state = ctx.checkpoint.item(id)
        var metadata: [String: String] = [:]
        if asset.mode == .advanced {
            guard let uid = state.assetUID ?? asset.uid else {
                throw IngestError(code: "PIPELINE_MISSING_INPUT", item: id, stage: .transfer,
                                  message: "the checkpoint has no asset for this item", hint: "run the assets stage first")
            }
            metadata["asset"] = AssetMetadata.value(uid: uid)
        }
        let expectedAsset = metadata["asset"]
        let existing: @Sendable () async throws -> UploadOutcome? = {
            for candidate in [key, "processed/" + key] {
                guard let info = try await store.head(key: candidate) else { continue }
                // Ours only when the size and the `asset` metadata (none in simple mode) match: an
                // object of an earlier batch under `processed/` is simply replaced by this upload.
                if info.size == size && info.metadata["asset"] == expectedAsset {
                    return UploadOutcome(etag: info.etag, bytes: info.size)
                }
                if candidate == key {
                    // Something else is waiting in the watchfolder under our key: uploading would
                    // overwrite it before Skylark processed it.
                    throw IngestError(
                        code: "S3_KEY_CONFLICT", item: id, stage: .transfer,
                        message: "s3://\(store.bucket)/\(key) already holds another upload (\(info.size) bytes, "
                            + "asset \(info.metadata["asset"] ?? "none")) not yet processed",
                        hint: "give this item its own `key`, or run again once Skylark has processed that object")
                }
            }
            return nil
        }
        if let outcome = try await ctx.retry.read(existing) {
            try await done(id, key: key, outcome, ctx)
            return
        }
        try await ctx.checkpoint.record(id, .transfer, .intent, op: "upload", data: [
            "bucket": .string(store.bucket), "key": .string(key), "bytes": .number(Double(size)),
        ])
        let checkpoint = ctx.checkpoint
        let userMetadata = metadata
        let events = ctx.events
        let outcome = try await ctx.retry.write({
            let resume = checkpoint.item(id).uploadState
            return try await store.upload(path: path, key: key, metadata: userMetadata, resume: resume, onState: { state in
                try? await checkpoint.record(id, .transfer, .done, op: "upload_state", data: ["upload_state": state],
                                             durable: false)
            }, progress: { bytes in events(PipelineEvent(kind: .bytesSent, item: id, stage: .transfer, bytes: bytes)) })
        }, reconcile: existing)
        try await done(id, key: key, outcome, ctx)
    }

    private static func done(_ id: String, key: String, _ outcome: UploadOutcome, _ ctx: StageContext) async throws {
        try await ctx.checkpoint.record(id, .transfer, .done, data: [
            "bucket": .string(ctx.store.bucket), "key": .string(key), "etag": .string(outcome.etag),
            "bytes": .number(Double(outcome.bytes)), "upload_state": .null,
        ], durable: false)
    }

    static func fileSize(_ path: String, item: String) throws -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw IngestError(code: "FILE_MISSING", item: item, stage: .transfer, message: "cannot read the video \(path)",
                              hint: "check that the file exists and is readable")
        }
        return Int64(info.st_size)
    }
}

/// The `asset` user metadata value Skylark reads from the watchfolder.
public enum AssetMetadata {
    /// `{"uid": "<uid>"}`, exactly as the guide writes it.
    public static func value(uid: String) -> String { "{\"uid\": \"\(uid)\"}" }
}
