/// Rules across items: ids, slugs and S3 keys unique; the same video used twice. Pure and linear.
enum UniquenessRules {
    static func check(_ assets: [ManifestAsset], into diagnostics: inout [Diagnostic]) {
        // Videos are compared by `ManifestPaths.identity` (equal exactly when the absolute paths are),
        // which for a clean relative path is the path as written: no absolute path is built per item.
        let folder = assets.lazy.compactMap(\.videoPathStorage.folder).first ?? "/"
        duplicates(assets, rule: DiagnosticRule.idDuplicate, severity: .error, into: &diagnostics,
                   value: { $0.id.isEmpty ? nil : $0.id },
                   place: { ("id", $0.location(of: "id")) },
                   message: { value, other in "the id \(DiagnosticText.quoted(value)) is also used at line \(other.line)" },
                   hint: "every asset needs its own `id`")
        duplicates(assets, rule: DiagnosticRule.slugDuplicate, severity: .error, into: &diagnostics,
                   value: { asset in
                       guard asset.mode == .advanced, asset.uid == nil, let slug = asset.effectiveSlug, !slug.isEmpty else { return nil }
                       return slug
                   },
                   place: { asset in asset.slug == nil ? ("title", asset.location(of: "title")) : ("slug", asset.location(of: "slug")) },
                   message: { value, other in "the slug \(DiagnosticText.quoted(value)) is also used at line \(other.line)" },
                   hint: "Skylark slugs are unique: set a distinct `slug` (slugs are derived from titles when absent)")
        duplicates(assets, rule: DiagnosticRule.keyDuplicate, severity: .error, into: &diagnostics,
                   value: { $0.effectiveKey.isEmpty ? nil : $0.effectiveKey },
                   place: { $0.keyField },
                   message: { value, other in "the S3 key \(DiagnosticText.quoted(value)) is also used at line \(other.line)" },
                   hint: "the key defaults to the video's file name; set a distinct `key`")
        duplicates(assets, rule: DiagnosticRule.videoReused, severity: .warning, into: &diagnostics,
                   value: { asset in
                       let identity = asset.videoPathStorage.identity(asset.video, folder: folder)
                       return identity.isEmpty ? nil : identity
                   },
                   place: { ("video", $0.location(of: "video")) },
                   message: { _, other in "this video file is also used at line \(other.line)" },
                   hint: nil)
    }

    /// Reports every item whose `value` another item shares, each pointing at one other position.
    ///
    /// The index keeps each value's first position, not the value: a value is computed again only to
    /// confirm an equal hash (an actual duplicate, or a rare collision), so derived slugs and keys are
    /// never held for the whole manifest.
    private static func duplicates(_ assets: [ManifestAsset], rule: String, severity: Severity,
                                   into diagnostics: inout [Diagnostic],
                                   value: (ManifestAsset) -> String?,
                                   place: (ManifestAsset) -> (field: String, location: SourceLocation),
                                   message: (String, SourceLocation) -> String, hint: String?) {
        var groups: [String: [Int]] = [:]
        // Through the buffer: an array's subscript (and `enumerated()`) copies the item (a dozen retains).
        assets.withUnsafeBufferPointer { items in
            var index = HashIndex(capacity: items.count)
            for position in items.indices {
                guard let v = value(items[position]) else { continue }
                let hash = v.hashValue
                switch index.lookup(hash: hash, matches: { value(items[$0]) == v }) {
                case .found(let existing): groups[v, default: [existing]].append(position)
                case .free(let slot): index.insert(position, hash: hash, slot: slot)
                }
            }
        }
        for (v, members) in groups {
            for (position, index) in members.enumerated() {
                // Point each occurrence at the previous one (the first at the second).
                let other = members[position == 0 ? 1 : position - 1]
                let here = place(assets[index])
                let there = place(assets[other]).location
                diagnostics.append(Diagnostic(severity, rule: rule, message: message(v, there), hint: hint,
                                              location: here.location, itemID: assets[index].id, field: here.field))
            }
        }
    }
}
