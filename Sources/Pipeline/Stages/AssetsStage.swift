import Foundation
import IngestCore

/// `assets`: create the item's asset (or check that the given `uid` exists).
///
/// Intent `create` is durable before the POST; an open intent is reconciled by finding the asset
/// by its slug (the slug is always sent, derived from the title when absent). A POST whose outcome
/// is unknown (5xx, 429, timeout, reset) is reconciled the same way before it is sent again.
///
/// Reconcile adopts only what this item asked for, and only when a write of ours may have made it:
/// the asset holding the slug must have our title (and our asset type when we sent one), and either
/// an intent of ours was open before this run or an attempt of this run ended ambiguously. Any other
/// holder of the slug (another catalogue, an earlier tool) fails the item with `SKYLARK_SLUG_TAKEN`, unless
/// the run says `--on-existing adopt` and the holder is the asset the item describes (same title, same
/// asset type when the item names one): then it is recorded as the item's asset, marked adopted.
enum AssetsStage {
    static func run(_ asset: ManifestAsset, _ ctx: StageContext) async throws {
        let id = asset.id
        let skylark = ctx.skylark
        if let uid = asset.uid {
            guard let remote = try await ctx.retry.read({ try await skylark.asset(uid: uid) }) else {
                throw IngestError(code: .skylarkAssetNotFound, item: id, stage: .assets,
                                  message: "asset \(uid) does not exist", hint: "check the item's uid")
            }
            try await done(id, remote, ctx)
            return
        }
        guard let title = asset.title, let slug = asset.effectiveSlug, !slug.isEmpty else {
            throw IngestError(code: .titleRequired, item: id, stage: .assets,
                              message: "a new asset needs a title", hint: "add a title to the item")
        }
        var typeURL: String?
        if let type = asset.assetType {
            typeURL = try await ctx.cache.assetTypeURL(type, skylark: skylark, retry: ctx.retry)
        }
        let request = NewAsset(title: title, slug: slug, assetTypeURL: typeURL, fields: asset.fields)
        // The asset holding our slug, when it is ours; throws SKYLARK_SLUG_TAKEN when it is not.
        let find: @Sendable () async throws -> RemoteAsset? = {
            guard let holder = try await skylark.asset(slug: slug) else { return nil }
            if let difference = difference(holder, request) {
                throw slugTaken(id, request, holder, difference: ctx.onExisting == .adopt ? difference : nil)
            }
            return holder
        }
        let earlierIntent = ctx.checkpoint.item(id).assets.openIntents.contains(JournalOp.create.name)
        if earlierIntent, let found = try await ctx.retry.read(find) {
            try await done(id, found, ctx)
            return
        }
        try await ctx.checkpoint.record(id, .assetIntent(slug: slug))
        // Whether a POST of ours may have created an asset: an intent left open by an earlier run, or
        // an attempt of this run whose outcome is unknown (the retrier reconciles after each one).
        let ambiguous = Locked(earlierIntent)
        let created: RemoteAsset
        do {
            created = try await ctx.retry.write(item: id, stage: .assets, { try await skylark.createAsset(request) },
                                                reconcile: {
                                                    ambiguous.withLock { $0 = true }
                                                    return try await find()
                                                })
        } catch where IngestError.from(error).code == .skylarkFormValidation {
            // Refused, typically because the slug is unique and taken. The holder is ours only if a
            // write of ours may have made it and it is what we asked for; otherwise say whose it is.
            guard let holder = try await ctx.retry.read({ try await skylark.asset(slug: slug) }) else { throw error }
            let difference = difference(holder, request)
            let mayBeOurs = ambiguous.withLock { $0 }
            if mayBeOurs, difference == nil {
                created = holder
            } else if ctx.onExisting == .adopt, difference == nil {
                try await done(id, holder, ctx, adopted: true)
                return
            } else {
                // No write of ours made it: close the intent, so a later run (`--retry-failed`, perhaps with
                // `--on-existing adopt`) does not take the holder for the result of this POST.
                if !mayBeOurs {
                    try await ctx.checkpoint.record(id, .assetNotCreated(slugHolder: holder.uid), durable: false)
                }
                throw slugTaken(id, request, holder, difference: ctx.onExisting == .adopt ? difference : nil)
            }
        }
        try await done(id, created, ctx)
    }

    /// Whether `remote` is the asset `request` asks for: same slug and title, and the same asset type
    /// when one was sent.
    static func isWhatWeAsked(_ remote: RemoteAsset, _ request: NewAsset) -> Bool { difference(remote, request) == nil }

    /// How `remote` differs from the asset `request` asks for (slug, title, then asset type when one was
    /// sent), or nil when it does not.
    static func difference(_ remote: RemoteAsset, _ request: NewAsset) -> String? {
        guard remote.slug == request.slug else { return "its slug is '\(remote.slug ?? "")', not '\(request.slug)'" }
        let wantedTitle = request.title.trimmingCharacters(in: .whitespaces)
        guard let title = remote.title, title.trimmingCharacters(in: .whitespaces) == wantedTitle else {
            return "its title is \(remote.title.map { "'\($0)'" } ?? "empty"), the item's is '\(wantedTitle)'"
        }
        guard let wantedType = request.assetTypeURL else { return nil }
        guard let type = remote.assetTypeURL else { return "it has no asset type, the item's is \(wantedType)" }
        return SkylarkReference.same(type, wantedType) ? nil : "its asset type is \(type), the item's is \(wantedType)"
    }

    /// `SKYLARK_SLUG_TAKEN` for `holder`; `difference` (with `--on-existing adopt`) says why it was not adopted.
    static func slugTaken(_ id: String, _ request: NewAsset, _ holder: RemoteAsset, difference: String? = nil) -> IngestError {
        let title = holder.title.map { "'\($0)'" } ?? "no title"
        guard let difference else {
            return IngestError(
                code: .skylarkSlugTaken, item: id, stage: .assets,
                message: "the slug '\(request.slug)' belongs to asset \(holder.uid) (\(title)), which this item did not "
                    + "create: another catalogue or tool made it",
                hint: "to attach this item to that asset, set `uid: \(holder.uid)` or run with --on-existing adopt (it "
                    + "adopts an asset with the item's title and asset type); to create a new asset, give the item another slug")
        }
        return IngestError(
            code: .skylarkSlugTaken, item: id, stage: .assets,
            message: "the slug '\(request.slug)' belongs to asset \(holder.uid) (\(title)), which is not the asset this "
                + "item describes: \(difference)",
            hint: "--on-existing adopt takes only an asset with the item's title and asset type; to attach this item to "
                + "that asset anyway, set `uid: \(holder.uid)`; to create a new asset, give the item another slug")
    }

    /// Records the item's asset; `adopted` when it existed before and `--on-existing adopt` took it.
    private static func done(_ id: String, _ asset: RemoteAsset, _ ctx: StageContext, adopted: Bool = false) async throws {
        try await ctx.checkpoint.record(id, .asset(uid: asset.uid, url: asset.url, adopted: adopted), durable: adopted)
    }
}
