/// Rules about one asset on its own: id, mode, uid, slug, lengths, S3 key, metadata. Pure.
enum ItemRules {
    static func check(_ asset: ManifestAsset, into diagnostics: inout [Diagnostic]) {
        checkID(asset, into: &diagnostics)
        checkModeFields(asset, into: &diagnostics)
        checkUID(asset, into: &diagnostics)
        checkSlug(asset, into: &diagnostics)
        checkLengths(asset, into: &diagnostics)
        checkKey(asset, into: &diagnostics)
        checkMetadata(asset, into: &diagnostics)
    }

    /// Whether `id` uses only `[A-Za-z0-9._-]`.
    static func isValidIDCharset(_ id: String) -> Bool {
        id.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
        }
    }

    static func checkID(_ asset: ManifestAsset, into diagnostics: inout [Diagnostic]) {
        let id = asset.id
        let location = asset.location(of: "id")
        if id.isEmpty {
            diagnostics.append(.error(DiagnosticRule.idInvalid, "`id` is empty",
                                      hint: "use 1–255 letters, digits, `.`, `_` or `-`", at: location, field: "id"))
        } else if !isValidIDCharset(id) {
            diagnostics.append(.error(DiagnosticRule.idInvalid, "`id` \(DiagnosticText.quoted(id)) contains characters other than letters, digits, `.`, `_` and `-`",
                                      hint: "replace spaces and other characters with `-`", at: location, item: id, field: "id"))
        } else if id.utf8.count > ManifestKeys.maxIDLength {
            diagnostics.append(.error(DiagnosticRule.idInvalid, "`id` is \(id.utf8.count) characters long; at most \(ManifestKeys.maxIDLength) are allowed",
                                      at: location, item: id, field: "id"))
        }
    }

    static func checkModeFields(_ asset: ManifestAsset, into diagnostics: inout [Diagnostic]) {
        switch asset.mode {
        case .simple:
            // Skylark ignores everything but the video in simple mode: saying so beats silently dropping it.
            for field in ["uid", "title", "slug", "asset_type", "fields"] where asset.fieldLocations[field] != nil {
                diagnostics.append(.error(DiagnosticRule.simpleModeExtras, "`\(field)` is set on a simple-mode asset; Skylark ignores it",
                                          hint: "remove `\(field)`, or use `mode: advanced`", at: asset.location(of: field),
                                          item: asset.id, field: field))
            }
            for key in asset.fieldLocations.keys where key.hasPrefix("fields.") && asset.fieldLocations["fields"] == nil {
                diagnostics.append(.error(DiagnosticRule.simpleModeExtras, "the field `\(DiagnosticText.escaped(key.dropFirst(7)))` is set on a simple-mode asset; Skylark ignores it",
                                          hint: "clear the cell, or use `mode: advanced`", at: asset.location(of: key),
                                          item: asset.id, field: key))
            }
            if asset.fieldLocations["subtitles"] != nil || !asset.subtitleList.isEmpty {
                let location = asset.fieldLocations["subtitles"] ?? asset.subtitleList[0].location
                diagnostics.append(.error(DiagnosticRule.simpleModeExtras, "a simple-mode asset has subtitles; Skylark ignores them",
                                          hint: "use `mode: advanced` to attach subtitles", at: location,
                                          item: asset.id, field: "subtitles"))
            }
        case .advanced:
            // A `title` of the wrong type was already reported as MANIFEST_TYPE.
            let titleWrongType = asset.title == nil && asset.fieldLocations["title"] != nil
            if asset.uid == nil, !titleWrongType, asset.title?.isEmpty ?? true {
                let location = asset.fieldLocations["title"] ?? asset.location
                diagnostics.append(.error(DiagnosticRule.titleRequired, "a new advanced-mode asset needs a `title`",
                                          hint: "add a `title`, or a `uid` to attach to an existing asset",
                                          at: location, item: asset.id, field: "title"))
            }
        }
    }

    static func checkUID(_ asset: ManifestAsset, into diagnostics: inout [Diagnostic]) {
        guard let uid = asset.uid, asset.mode == .advanced, let problem = SkylarkUID.problem(uid) else { return }
        diagnostics.append(.error(problem.rule, problem.message, hint: problem.hint,
                                  at: asset.location(of: "uid"), item: asset.id, field: "uid"))
    }

    /// Whether an explicit slug uses only letters, digits, `_` and `-`.
    static func isValidSlug(_ slug: String) -> Bool {
        !slug.isEmpty && isValidIDCharset(slug) && !slug.contains(".")
    }

    static func checkSlug(_ asset: ManifestAsset, into diagnostics: inout [Diagnostic]) {
        guard asset.mode == .advanced else { return }
        if let slug = asset.slug {
            if !isValidSlug(slug) {
                diagnostics.append(.error(DiagnosticRule.slugInvalid, "`slug` \(DiagnosticText.quoted(slug)) may only contain letters, digits, `_` and `-`",
                                          hint: "for example `\(Slug.derive(from: slug).isEmpty ? "my-title" : DiagnosticText.escaped(Slug.derive(from: slug)))`",
                                          at: asset.location(of: "slug"), item: asset.id, field: "slug"))
            }
        } else if asset.uid == nil, let title = asset.title, !title.isEmpty, Slug.derive(from: title).isEmpty {
            diagnostics.append(.error(DiagnosticRule.slugInvalid, "no slug can be derived from the title \(DiagnosticText.quoted(title)) (it has no ASCII letters or digits)",
                                      hint: "set a `slug` explicitly", at: asset.location(of: "title"), item: asset.id, field: "slug"))
        }
    }

    static func checkLengths(_ asset: ManifestAsset, into diagnostics: inout [Diagnostic]) {
        func check(_ value: String?, _ field: String) {
            guard let value else { return }
            let count = value.count
            guard count > ManifestKeys.maxTextLength else { return }
            diagnostics.append(.error(DiagnosticRule.fieldTooLong, "`\(field)` is \(count) characters long; at most \(ManifestKeys.maxTextLength) are allowed",
                                      at: asset.location(of: field), item: asset.id, field: field))
        }
        check(asset.title, "title")
        check(asset.slug, "slug")
        if asset.fieldLocations["asset_type"] != nil { check(asset.assetType, "asset_type") }
        for (index, subtitle) in asset.subtitleList.enumerated() {
            guard let title = subtitle.title, title.count > ManifestKeys.maxTextLength else { continue }
            let field = "subtitles[\(index)].title"
            diagnostics.append(.error(DiagnosticRule.fieldTooLong, "`\(field)` is \(title.count) characters long; at most \(ManifestKeys.maxTextLength) are allowed",
                                      at: asset.location(of: field), item: asset.id, field: field))
        }
    }

    static func checkKey(_ asset: ManifestAsset, into diagnostics: inout [Diagnostic]) {
        guard let problem = ObjectKeyRules.problem(asset.effectiveKey) else { return }
        let (field, location) = asset.keyField
        diagnostics.append(.error(problem.rule, problem.message, hint: problem.hint, at: location, item: asset.id, field: field))
    }

    /// The `asset` user-metadata value sent with the video: `{"uid": "<uid>"}`.
    public static func assetMetadataValue(uid: String) -> String { AssetMetadata.value(uid: uid) }

    static func checkMetadata(_ asset: ManifestAsset, into diagnostics: inout [Diagnostic]) {
        guard asset.mode == .advanced, let uid = asset.uid else { return }
        let size = "asset".utf8.count + assetMetadataValue(uid: uid).utf8.count
        guard size > ManifestKeys.maxMetadataBytes else { return }
        diagnostics.append(.error(DiagnosticRule.metadataTooLarge,
                                  "the `asset` metadata for this uid would be \(size) bytes; S3 allows \(ManifestKeys.maxMetadataBytes)",
                                  hint: "check the `uid`", at: asset.location(of: "uid"), item: asset.id, field: "uid"))
    }
}
