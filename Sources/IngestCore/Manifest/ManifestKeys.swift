/// The keys and columns a manifest may use, their limits, and "did you mean" suggestions.
public enum ManifestKeys {
    /// Keys of the YAML top level.
    public static let topLevel = ["version", "defaults", "assets"]
    /// Keys of `defaults:`.
    public static let defaults = ["asset_type", "language"]
    /// Keys of one asset.
    public static let asset = ["id", "mode", "uid", "title", "slug", "asset_type", "fields", "video", "key", "subtitles"]
    /// Keys of one subtitle.
    public static let subtitle = ["file", "language", "title"]
    /// Fixed CSV columns (plus `subtitle.<language>` and `field.<name>`).
    public static let csvColumns = ["id", "mode", "uid", "title", "slug", "asset_type", "video", "key"]
    /// The only manifest version this tool reads.
    public static let supportedVersion = 1

    /// Longest `id`, in characters.
    public static let maxIDLength = 255
    /// Longest `title`, `slug`, `asset_type` and subtitle `title`, in characters.
    public static let maxTextLength = 255
    /// Longest S3 key, in UTF-8 bytes.
    public static let maxKeyBytes = 1024
    /// S3's limit on user-defined metadata (keys plus values), in bytes.
    public static let maxMetadataBytes = 2048

    /// The known key closest to `key` when it is close enough to be a likely typo.
    public static func suggestion(for key: String, among known: [String]) -> String? {
        let lowered = key.lowercased()
        var best: (key: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(lowered, candidate)
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best else { return nil }
        let allowed = max(1, min(3, best.key.count / 3 + 1))
        if best.distance <= allowed { return best.key }
        // A plural/singular slip or a prefix (`subtitle` for `subtitles`) is also worth suggesting.
        if best.key.hasPrefix(lowered) || lowered.hasPrefix(best.key) { return best.key }
        return nil
    }

    /// The "did you mean" hint for an unknown key, or a list of the known keys.
    static func unknownKeyHint(_ key: String, known: [String]) -> String {
        if let near = suggestion(for: key, among: known) { return "did you mean `\(near)`?" }
        return "known keys: " + known.map { "`\($0)`" }.joined(separator: ", ")
    }

    /// Levenshtein distance over Unicode scalars.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
