import Foundation
import IngestCore

/// `confirm`: wait (up to the confirm timeout) for Skylark to process the video: the object
/// appears under `processed/<key>` and the asset gains OVPs. In simple mode the asset is found
/// through its data source (the S3 object's name without extension, as Skylark names it: the item's
/// `key`, not the local file's name) and its uid recorded.
enum ConfirmStage {
    static func run(_ asset: ManifestAsset, _ ctx: StageContext) async throws {
        let id = asset.id
        let key = ctx.checkpoint.item(id).key ?? asset.effectiveKey
        let clock = ContinuousClock()
        let deadline = clock.now + ctx.confirmTimeout
        let store = ctx.store
        let skylark = ctx.skylark
        while true {
            let processed = try await ctx.retry.read({ try await store.head(key: "processed/" + key) }) != nil
            var remote: RemoteAsset?
            if processed {
                if asset.mode == .advanced, let uid = ctx.checkpoint.item(id).assetUID ?? asset.uid {
                    remote = try await ctx.retry.read({ try await skylark.asset(uid: uid) })
                } else if asset.mode == .simple {
                    let dataSource = SkylarkDataSource.id(forKey: key)
                    remote = try await ctx.retry.read({ try await skylark.asset(dataSourceID: dataSource) })
                }
            }
            if let remote, remote.ovpCount > 0 {
                try await ctx.checkpoint.record(
                    id, .confirmed(ovps: remote.ovpCount, assetUID: remote.uid, assetURL: remote.url), durable: false)
                return
            }
            if clock.now >= deadline {
                let what = processed ? "the asset has no OVPs yet" : "processed/\(key) did not appear"
                throw IngestError(code: .confirmTimeout, item: id, stage: .confirm,
                                  message: "Skylark did not finish processing in time: \(what)",
                                  hint: "run the confirm stage again later, or raise --confirm-timeout", retryable: true)
            }
            try await Task.sleep(for: ctx.pollInterval)
        }
    }
}
