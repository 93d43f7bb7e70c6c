// The `defaults:` section and how it fills the assets.
extension YAMLManifestWalker {
    /// Fills `defaults` into an advanced asset; reports subtitles left without a language.
    mutating func applyDefaults(_ defaults: ManifestDefaults, to asset: inout ManifestAsset) {
        if asset.mode == .advanced, asset.assetType == nil { asset.assetType = defaults.assetType }
        for index in asset.subtitleList.indices where asset.subtitleList[index].language.isEmpty {
            // An explicit (empty) `language:` is LANGUAGE_INVALID, reported by the rules.
            guard asset.fieldLocations["subtitles[\(index)].language"] == nil else { continue }
            if let language = defaults.language {
                asset.subtitleList[index].language = language
            } else {
                error(DiagnosticRule.languageMissing,
                      "subtitle \(index + 1) has no `language` and there is no `defaults.language`",
                      hint: "add `language: en-gb` (BCP 47) here or under `defaults:`",
                      at: asset.fieldLocations["subtitles[\(index)]"] ?? asset.subtitleList[index].location,
                      item: asset.id, field: "subtitles[\(index)].language")
            }
        }
    }

    mutating func walkDefaults(_ node: YAMLNode) -> ManifestDefaults {
        var defaults = ManifestDefaults()
        guard case .mapping(let mapping) = node else {
            error(DiagnosticRule.type, "`defaults` must be a mapping, found \(describe(node))", at: location(node),
                  field: "defaults")
            return defaults
        }
        for (keyNode, value) in mapping.pairs {
            guard let key = keyName(keyNode, context: "defaults") else { continue }
            switch key {
            case "asset_type":
                defaults.assetType = string(value, field: "defaults.asset_type", item: nil)
                if let type = defaults.assetType, type.count > ManifestKeys.maxTextLength {
                    error(DiagnosticRule.fieldTooLong,
                          "`defaults.asset_type` is \(type.count) characters long; at most \(ManifestKeys.maxTextLength) are allowed",
                          at: location(value), field: "defaults.asset_type")
                }
            case "language":
                if let language = string(value, field: "defaults.language", item: nil) {
                    defaults.language = language
                    if let problem = BCP47.problem(language) {
                        error(DiagnosticRule.languageInvalid, "`\(DiagnosticText.escaped(language))` is not a well-formed BCP 47 language tag: \(problem)",
                              hint: "use a tag like `en-gb` or `fr`", at: location(value), field: "defaults.language")
                    } else {
                        diagnostics += LanguageRules.registryDiagnostics(language, at: location(value), item: nil,
                                                                         field: "defaults.language")
                    }
                }
            default:
                unknownKey(key, at: location(keyNode), known: ManifestKeys.defaults, item: nil, field: "defaults.\(key)")
            }
        }
        return defaults
    }
}
