/// The parts of a manifest item that decide what gets created, fingerprinted for drift detection.
///
/// Each field is rendered canonically (JSON with sorted keys) and hashed with FNV-1a; the item's
/// definition fingerprint is the hash of all field hashes. Source locations are left out: moving an
/// item within the manifest is not a change.
public struct ItemDefinition: Sendable, Hashable {
    /// `name=hash` pairs in a fixed order.
    public let fields: [(name: String, hash: String)]
    /// The fingerprint of the whole definition.
    public let fingerprint: String

    public static func == (a: ItemDefinition, b: ItemDefinition) -> Bool { a.fingerprint == b.fingerprint }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

    /// The definition of `asset`.
    public init(_ asset: ManifestAsset) {
        func text(_ value: String?) -> String { value.map { JSONValue.string($0).canonicalJSON } ?? "null" }
        let subtitles = JSONValue.array(asset.subtitles.map { sub in
            .object(["file": .string(sub.file), "language": .string(sub.language),
                     "title": sub.title.map(JSONValue.string) ?? .null])
        })
        let rendered: [(String, String)] = [
            ("mode", asset.mode.rawValue),
            ("uid", text(asset.uid)),
            ("title", text(asset.title)),
            ("slug", text(asset.effectiveSlug)),
            ("asset_type", text(asset.assetType)),
            ("fields", JSONValue.object(asset.fields).canonicalJSON),
            ("video", text(asset.video)),
            ("key", text(asset.effectiveKey)),
            ("subtitles", subtitles.canonicalJSON),
        ]
        fields = rendered.map { ($0.0, String(Fingerprint.fnv1a64($0.1).prefix(8))) }
        fingerprint = Fingerprint.fnv1a64(fields.map { "\($0.name)=\($0.hash)" }.joined(separator: ","))
    }

    /// The fields as recorded in the journal (`name=hash,…`).
    public var encodedFields: String { fields.map { "\($0.name)=\($0.hash)" }.joined(separator: ",") }

    /// The names of fields whose hash differs from `encoded` (a journal's `encodedFields`).
    public func changedFields(since encoded: String?) -> [String] {
        guard let encoded else { return fields.map(\.name) }
        var old: [Substring: Substring] = [:]
        for pair in encoded.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { old[parts[0]] = parts[1] }
        }
        return fields.filter { old[Substring($0.name)].map(String.init) != $0.hash }.map(\.name)
    }
}

/// What to do with an item whose journal definition is compared with the manifest's.
public enum DriftDecision: Sendable, Hashable {
    /// The journal has never seen this item: record its definition and plan it.
    case new
    /// Same definition as recorded.
    case unchanged
    /// Changed, but nothing was created yet: record the new definition and plan from scratch.
    case replan(changed: [String])
    /// Changed after something was created: the item is refused (`MANIFEST_DRIFT`).
    case refuse(IngestError)
}

/// Manifest-drift detection: changed items are re-planned when safe, refused otherwise; never mixed.
public enum DriftCheck {
    /// Compares `definition` (from the manifest) with what `state` (from the journal) recorded.
    public static func decide(_ definition: ItemDefinition, state: ItemState) -> DriftDecision {
        guard let recorded = state.definition else { return state.hasEffects ? .unchanged : .new }
        if recorded == definition.fingerprint { return .unchanged }
        let changed = definition.changedFields(since: state.definitionFields)
        if !state.hasEffects { return .replan(changed: changed) }
        let names = changed.isEmpty ? "its definition" : changed.joined(separator: ", ")
        return .refuse(IngestError(
            code: "MANIFEST_DRIFT", item: state.id, stage: .validate,
            message: "item '\(state.id)' changed since the checkpoint recorded work for it (\(names)); "
                + "the old and new definitions are not mixed",
            hint: "restore the item's previous definition, give the changed item a new id, "
                + "or start a new checkpoint with --checkpoint"))
    }
}
