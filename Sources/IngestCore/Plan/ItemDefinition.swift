/// The parts of a manifest item that decide what gets created, fingerprinted for drift detection.
///
/// Each field is rendered canonically (JSON with sorted keys) and hashed with FNV-1a; the item's
/// definition fingerprint is the hash of all field hashes. Source locations are left out: moving an
/// item within the manifest is not a change.
public struct ItemDefinition: Sendable, Hashable {
    /// The field names, in the order their hashes are kept.
    public static let fieldNames = ["mode", "uid", "title", "slug", "asset_type", "fields", "video", "key", "subtitles"]

    /// 32-bit FNV-1a hashes of each field's canonical text, in `fieldNames` order.
    public let hashes: [UInt32]
    /// The fingerprint of the whole definition (16 hex digits).
    public let fingerprint: String

    public static func == (a: ItemDefinition, b: ItemDefinition) -> Bool { a.fingerprint == b.fingerprint }
    public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }

    /// The definition of `asset`.
    public init(_ asset: ManifestAsset) {
        // Canonical texts: strings as they are, nil as a NUL byte, lists joined with separators
        // that cannot appear in manifest values (control characters). Each is hashed as it is
        // read: a resume fingerprints every item of the manifest, and building the texts first
        // took most of that time.
        func hash(_ value: String?) -> UInt32 {
            var fnv = FNV1a32()
            if let value { fnv.add(value) } else { fnv.add(0) }
            return fnv.value
        }
        var subtitles = FNV1a32()
        for sub in asset.subtitles {
            subtitles.add(sub.file)
            subtitles.add(1)
            subtitles.add(sub.language)
            subtitles.add(1)
            if let title = sub.title { subtitles.add(title) } else { subtitles.add(0) }
            subtitles.add(2)
        }
        hashes = [
            hash(asset.mode.rawValue), hash(asset.uid), hash(asset.title), hash(asset.effectiveSlug), hash(asset.assetType),
            hash(asset.fields.isEmpty ? "{}" : JSONValue.object(asset.fields).canonicalJSON),
            hash(asset.video), hash(asset.effectiveKey), subtitles.value,
        ]
        var whole: UInt64 = 0xcbf2_9ce4_8422_2325
        for value in hashes {
            for shift in stride(from: 0, to: 32, by: 8) {
                whole ^= UInt64((value >> UInt32(shift)) & 0xff)
                whole = whole &* 0x0000_0100_0000_01B3
            }
        }
        fingerprint = Fingerprint.hex(whole, digits: 16)
    }

    /// The fields as recorded in the journal (`name=hash,…`).
    public var encodedFields: String { PackedFieldHashes.encode(hashes) }

    /// The names of fields whose hash differs from `encoded` (a journal's `encodedFields`).
    public func changedFields(since encoded: String?) -> [String] {
        guard let encoded else { return Self.fieldNames }
        var old: [Substring: Substring] = [:]
        for pair in encoded.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { old[parts[0]] = parts[1] }
        }
        return zip(Self.fieldNames, hashes).filter { name, hash in
            old[Substring(name)].map(String.init) != Fingerprint.hex(hash, digits: 8)
        }.map(\.0)
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
            code: .manifestDrift, item: state.id, stage: .validate,
            message: "item '\(state.id)' changed since the checkpoint recorded work for it (\(names)); "
                + "the old and new definitions are not mixed",
            hint: "restore the item's previous definition, give the changed item a new id, "
                + "or start a new checkpoint with --checkpoint"))
    }
}
