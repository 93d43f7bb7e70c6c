import IngestCore

/// `assets`: create the item's asset (or check that the given `uid` exists).
///
/// Intent `create` is durable before the POST; an open intent is reconciled by finding the asset
/// by its slug (the slug is always sent, derived from the title when absent).
enum AssetsStage {
    static func run(_ asset: ManifestAsset, _ ctx: StageContext) async throws {
        let id = asset.id
        let skylark = ctx.skylark
        if let uid = asset.uid {
            guard let remote = try await ctx.retry.read({ try await skylark.asset(uid: uid) }) else {
                throw IngestError(code: "SKYLARK_ASSET_NOT_FOUND", item: id, stage: .assets,
                                  message: "asset \(uid) does not exist", hint: "check the item's uid")
            }
            try await done(id, remote, ctx)
            return
        }
        guard let title = asset.title, let slug = asset.effectiveSlug, !slug.isEmpty else {
            throw IngestError(code: "TITLE_REQUIRED", item: id, stage: .assets,
                              message: "a new asset needs a title", hint: "add a title to the item")
        }
        let state = ctx.checkpoint.item(id)
        if state.assets.openIntents.contains("create"),
           let found = try await ctx.retry.read({ try await skylark.asset(slug: slug) }) {
            try await done(id, found, ctx)
            return
        }
        var typeURL: String?
        if let type = asset.assetType {
            typeURL = try await ctx.cache.assetTypeURL(type, skylark: skylark, retry: ctx.retry)
        }
        try await ctx.checkpoint.record(id, .assets, .intent, op: "create", data: ["slug": .string(slug)])
        let request = NewAsset(title: title, slug: slug, assetTypeURL: typeURL, fields: asset.fields)
        let created = try await ctx.retry.write({ try await skylark.createAsset(request) },
                                                reconcile: { try await skylark.asset(slug: slug) })
        try await done(id, created, ctx)
    }

    private static func done(_ id: String, _ asset: RemoteAsset, _ ctx: StageContext) async throws {
        try await ctx.checkpoint.record(id, .assets, .done,
                                        data: ["asset_uid": .string(asset.uid), "asset_url": .string(asset.url)],
                                        durable: false)
    }
}
