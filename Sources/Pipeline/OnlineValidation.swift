import IngestCore

/// `validate --online`: the checks that need the Skylark API, after the offline ones passed.
///
/// Reads only (no write reaches the network): every asset type named in the manifest resolves, every
/// `uid` exists, and a new asset's slug is not already taken (a warning: a finished run makes every
/// slug "taken", so this must not fail a re-validation).
public enum OnlineValidation {
    /// The diagnostics for `manifest` against `skylark`, sorted by position; `concurrency` bounds the calls.
    public static func check(_ manifest: Manifest, skylark: any SkylarkService, concurrency: Int = 8) async throws
        -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let advanced = manifest.assets.filter { $0.mode == .advanced }

        var typeKnown: [String: Bool] = [:]
        for name in Set(advanced.compactMap { $0.uid == nil ? $0.assetType : nil }) {
            typeKnown[name] = try await skylark.assetTypeURL(name) != nil
        }
        for asset in advanced where asset.uid == nil {
            if let type = asset.assetType, typeKnown[type] == false {
                diagnostics.append(.error("ASSET_TYPE_UNKNOWN", "asset type '\(type)' does not exist in Skylark",
                                          hint: "use the name or uid of an existing asset type (GET asset-types/)",
                                          at: asset.location(of: "asset_type"), item: asset.id, field: "asset_type"))
            }
        }

        let found = try await withThrowingTaskGroup(of: Diagnostic?.self) { group in
            var pending = advanced.makeIterator()
            var running = 0
            var out: [Diagnostic] = []
            func next(_ group: inout ThrowingTaskGroup<Diagnostic?, any Error>) -> Bool {
                guard let asset = pending.next() else { return false }
                group.addTask { try await remoteCheck(asset, skylark: skylark) }
                return true
            }
            while running < max(1, concurrency), next(&group) { running += 1 }
            while let result = try await group.next() {
                if let result { out.append(result) }
                if !next(&group) { running -= 1 }
            }
            return out
        }
        diagnostics += found
        return diagnostics.sorted { $0.location < $1.location }
    }

    private static func remoteCheck(_ asset: ManifestAsset, skylark: any SkylarkService) async throws -> Diagnostic? {
        if let uid = asset.uid {
            guard try await skylark.asset(uid: uid) == nil else { return nil }
            return .error("UID_NOT_FOUND", "asset \(uid) does not exist in Skylark",
                          hint: "check the uid, or remove it to create a new asset",
                          at: asset.location(of: "uid"), item: asset.id, field: "uid")
        }
        guard let slug = asset.effectiveSlug, let existing = try await skylark.asset(slug: slug) else { return nil }
        return .warning("SLUG_EXISTS", "an asset with slug '\(slug)' already exists (\(existing.uid))",
                        hint: "a new run would fail for this item unless this checkpoint created it; "
                            + "set `uid: \(existing.uid)` to attach to it, run with --on-existing adopt to adopt it "
                            + "when its title and asset type are the item's, or change the slug",
                        at: asset.location(of: asset.slug == nil ? "title" : "slug"), item: asset.id,
                        field: asset.slug == nil ? "title" : "slug")
    }
}
