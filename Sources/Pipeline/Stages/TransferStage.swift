import Foundation
import IngestCore

/// `transfer`: upload the video to the watchfolder with `asset` = `{"uid": …}` (advanced mode).
///
/// Before any upload, and after any upload whose outcome is unknown, the stage looks for the object
/// under the key and under `processed/<key>` (where the watchfolder moves it, possibly within
/// milliseconds). An object there is ours only when it holds our bytes: its ETag is one the local file
/// gives (`ObjectStore.contentETags`) and, in advanced mode, its `asset` metadata is ours. Size alone
/// proves nothing (a re-encoded master of the same size, an earlier delivery under `processed/`).
/// Another object waiting under the key is a conflict (`S3_KEY_CONFLICT`): uploading would replace it
/// before Skylark processed it. An older object under `processed/` is replaced by this upload.
/// Uploads go with `If-None-Match: *`, and the uploader resumes from the journaled upload state. The intent
/// (`transfer/upload`) is made durable right before the write that makes the object visible (the single PUT,
/// or CompleteMultipartUpload); parts before it are invisible and need none.
///
/// The look before the first upload is skipped for an advanced-mode item whose asset this run's assets stage
/// created (`assetCreatedThisRun`; no `uid` in the manifest, not adopted) and whose transfer has no record at
/// all: no object can carry that new asset's uid yet, and `If-None-Match: *` refuses the upload (and sends
/// the stage to the same look) if the key holds another object.
enum TransferStage {
    static func run(_ asset: ManifestAsset, _ ctx: StageContext, assetCreatedThisRun: Bool = false) async throws {
        let id = asset.id
        let store = ctx.store
        let key = asset.effectiveKey
        let path = asset.videoPath
        let size = try fileSize(path, item: id)
        let state = ctx.checkpoint.item(id)
        var metadata: [String: String] = [:]
        if asset.mode == .advanced {
            guard let uid = state.assetUID ?? asset.uid else {
                throw IngestError(code: .pipelineMissingInput, item: id, stage: .transfer,
                                  message: "the checkpoint has no asset for this item", hint: "run the assets stage first")
            }
            metadata["asset"] = AssetMetadata.value(uid: uid)
        }
        let checkpoint = ctx.checkpoint
        let finder = OwnObjectFinder(store: store, item: id, key: key, path: path, size: size,
                                     assetMetadata: metadata["asset"], resume: { checkpoint.item(id).uploadState })
        let firstObject = assetCreatedThisRun && asset.mode == .advanced && asset.uid == nil && !state.assetAdopted
            && state.transfer.isUntouched && state.uploadState == nil
        if !firstObject, let outcome = try await finder.find() {
            try await done(id, key: key, outcome, ctx)
            return
        }
        let userMetadata = metadata
        let events = ctx.events
        let intent = JournalFact.uploadIntent(bucket: store.bucket, key: key, bytes: size)
        let outcome = try await ctx.retry.write(item: id, stage: .transfer, {
            let resume = checkpoint.item(id).uploadState
            return try await store.upload(path: path, key: key, metadata: userMetadata, resume: resume, onState: { change in
                switch change {
                case .committing:
                    // Durable before the write that makes the object visible: a run that dies once it is sent
                    // leaves this intent open, and the next run reads the object back only after it settled.
                    try await checkpoint.record(id, intent)
                case .state(let state):
                    // The state once, then one short record per part (not the whole list again); not durable:
                    // a part whose record is lost is found again by ListParts when the upload resumes.
                    try? await checkpoint.record(id, .uploadState(state), durable: false)
                case .part(let number, let etag):
                    try? await checkpoint.record(id, .uploadPart(number: number, etag: etag), durable: false)
                }
            }, progress: { bytes in events(PipelineEvent(kind: .bytesSent, item: id, stage: .transfer, bytes: bytes)) })
        }, reconcile: { try await finder.find() })
        try await done(id, key: key, outcome, ctx)
    }

    private static func done(_ id: String, key: String, _ outcome: UploadOutcome, _ ctx: StageContext) async throws {
        try await ctx.checkpoint.record(
            id, .transferred(bucket: ctx.store.bucket, key: key, etag: outcome.etag, bytes: outcome.bytes), durable: false)
    }

    static func fileSize(_ path: String, item: String) throws -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw IngestError(code: .fileMissing, item: item, stage: .transfer, message: "cannot read the video \(path)",
                              hint: "check that the file exists and is readable")
        }
        return Int64(info.st_size)
    }
}

/// Finds this item's video in the watchfolder: under its key, or under `processed/<key>` once Skylark
/// moved it. Ours means our bytes (an ETag the local file gives) and our `asset` metadata.
struct OwnObjectFinder: Sendable {
    let store: any ObjectStore
    let item: String
    let key: String
    let path: String
    let size: Int64
    /// The `asset` metadata we send (nil in simple mode, where the object carries none).
    let assetMetadata: String?
    /// The journaled upload state (its part size makes the multipart ETag).
    let resume: @Sendable () -> JSONValue?

    /// Our object's ETag and size, nil when neither place holds it; throws `S3_KEY_CONFLICT` when another
    /// upload waits under the key.
    func find() async throws -> UploadOutcome? {
        var local: Set<String>?
        for candidate in [key, "processed/" + key] {
            guard let info = try await store.head(key: candidate) else { continue }
            if info.size == size && info.metadata["asset"] == assetMetadata {
                if local == nil { local = try await store.contentETags(path: path, size: size, resume: resume()) }
                if local?.contains(info.etag) == true { return UploadOutcome(etag: info.etag, bytes: info.size) }
            }
            if candidate == key {
                throw IngestError(
                    code: .s3KeyConflict, item: item, stage: .transfer,
                    message: "s3://\(store.bucket)/\(key) already holds another upload (\(info.size) bytes, ETag \(info.etag), "
                        + "asset \(info.metadata["asset"] ?? "none")) that Skylark has not processed yet; it is not this "
                        + "item's file",
                    hint: "give this item its own `key`, or run again once Skylark has processed that object")
            }
        }
        return nil
    }
}
