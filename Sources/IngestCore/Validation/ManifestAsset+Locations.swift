extension ManifestAsset {
    /// The field name and location of subtitle `index`'s language, for diagnostics (YAML or CSV form).
    func subtitleLanguageField(_ index: Int, format: ManifestFormat) -> (field: String, location: SourceLocation) {
        switch format {
        case .yaml:
            let field = "subtitles[\(index)].language"
            return (field, fieldLocations[field] ?? subtitleList[index].location)
        case .csv:
            let field = "subtitle.\(subtitleList[index].language)"
            return (field, subtitleList[index].location)
        }
    }

    /// The field name of subtitle `index`'s file, for diagnostics.
    func subtitleFileField(_ index: Int, format: ManifestFormat) -> String {
        switch format {
        case .yaml: return "subtitles[\(index)].file"
        case .csv: return "subtitle.\(subtitleList[index].language)"
        }
    }

    /// Where the effective S3 key comes from: the `key` value, else the `video` value.
    var keyField: (field: String, location: SourceLocation) {
        if let key, !key.isEmpty { return ("key", location(of: "key")) }
        return ("video", location(of: "video"))
    }
}
