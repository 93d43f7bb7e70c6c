/// Rules about subtitle languages and formats of one asset. Pure.
enum LanguageRules {
    static func check(_ asset: ManifestAsset, format: ManifestFormat, into diagnostics: inout [Diagnostic]) {
        var seen: [String: Int] = [:]
        for (index, subtitle) in asset.subtitleList.enumerated() {
            let (field, location) = asset.subtitleLanguageField(index, format: format)
            // CSV languages come from the header and are checked once there.
            if format == .yaml, !subtitle.language.isEmpty, let problem = BCP47.problem(subtitle.language) {
                diagnostics.append(.error(DiagnosticRule.languageInvalid,
                                          "`\(DiagnosticText.escaped(subtitle.language))` is not a well-formed BCP 47 language tag: \(problem)",
                                          hint: "use a tag like `en-gb` or `fr`", at: location, item: asset.id, field: field))
            } else if format == .yaml, asset.fieldLocations[field] != nil {
                // A language given here (one from `defaults.language` is checked there, once).
                diagnostics += registryDiagnostics(subtitle.language, at: location, item: asset.id, field: field)
            }
            if format == .yaml, subtitle.language.isEmpty, asset.fieldLocations[field] != nil {
                diagnostics.append(.error(DiagnosticRule.languageInvalid, "`language` is empty",
                                          hint: "use a tag like `en-gb` or `fr`", at: location, item: asset.id, field: field))
            }
            let normalized = subtitle.language.lowercased()
            if !normalized.isEmpty {
                if let first = seen[normalized] {
                    diagnostics.append(.error(DiagnosticRule.subtitleLanguageDuplicate,
                                              "two subtitles of this asset have the language `\(DiagnosticText.escaped(subtitle.language))` (the first is \(DiagnosticText.escaped(asset.subtitleList[first].file)))",
                                              hint: "one text track per language: remove one or change its language",
                                              at: location, item: asset.id, field: field))
                } else {
                    seen[normalized] = index
                }
            }
            let ext = ManifestPaths.fileExtension(of: subtitle.file)
            if ext != "srt" && ext != "vtt" {
                diagnostics.append(.error(DiagnosticRule.subtitleFormat,
                                          "subtitle file `\(DiagnosticText.escaped(subtitle.file))` is not `.srt` or `.vtt`",
                                          hint: "convert it to SubRip (.srt) or WebVTT (.vtt)", at: subtitle.location,
                                          item: asset.id, field: asset.subtitleFileField(index, format: format)))
            }
        }
    }

    /// `LANGUAGE_UNKNOWN` errors and `LANGUAGE_PRIVATE_USE` warnings for a well-formed `tag` whose
    /// subtags are not registered (`LanguageRegistry`).
    static func registryDiagnostics(_ tag: String, at location: SourceLocation, item: String?, field: String)
        -> [Diagnostic] {
        LanguageRegistry.findings(tag).map { finding in
            Diagnostic(finding.severity, rule: finding.rule, message: finding.message, hint: finding.hint,
                       location: location, itemID: item, field: field)
        }
    }
}
