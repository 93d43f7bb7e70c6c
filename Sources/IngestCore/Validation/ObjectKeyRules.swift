/// What makes an S3 key in the watchfolder bucket usable: one pure validator for the manifest's
/// `key` (and the key derived from the video's file name) and for `upload --key`/`--key-prefix`.
///
/// Refused: an empty key; more than 1,024 UTF-8 bytes (S3's limit); a character a terminal or a
/// listing would act on or hide (`DiagnosticText.isUnsafe`: C0/C1 controls, DEL, bidi controls,
/// zero-width and other invisible characters, U+2028/U+2029, U+FEFF); a leading `/`; a `.` or `..`
/// path segment (HTTP clients resolve them, so `a/../b` is stored as `b` and `../x` may reach another
/// bucket on a path-style endpoint); and the `processed/` and `failed/` areas where Skylark moves
/// videos it has handled.
public enum ObjectKeyRules {
    /// S3's limit on a key, in UTF-8 bytes.
    public static let maxBytes = ManifestKeys.maxKeyBytes
    /// Prefixes Skylark writes to itself; an upload there would collide with its results.
    public static let reservedPrefixes = ["processed/", "failed/"]

    /// Why `key` is not a usable key (`KEY_INVALID` or `KEY_RESERVED`), or nil.
    public static func problem(_ key: String) -> RuleProblem? {
        if key.isEmpty {
            return RuleProblem(rule: DiagnosticRule.keyInvalid, message: "the S3 key is empty",
                               hint: "set `key`, or a `video` with a file name")
        }
        let bytes = key.utf8.count
        if bytes > maxBytes {
            return RuleProblem(rule: DiagnosticRule.keyInvalid,
                               message: "the S3 key is \(bytes) bytes long (UTF-8); S3 allows \(maxBytes)",
                               hint: "use a shorter `key`")
        }
        for (offset, scalar) in key.unicodeScalars.enumerated() where DiagnosticText.isUnsafe(scalar) {
            return RuleProblem(rule: DiagnosticRule.keyInvalid,
                               message: "the S3 key \(DiagnosticText.quoted(key)) contains \(DiagnosticText.describe(scalar)) at character \(offset + 1)",
                               hint: "remove control, bidirectional and invisible characters (they hide what the key really says); rename the file if the key comes from its name")
        }
        if key.hasPrefix("/") {
            return RuleProblem(rule: DiagnosticRule.keyInvalid, message: "the S3 key \(DiagnosticText.quoted(key)) starts with `/`",
                               hint: "drop the leading `/`")
        }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) where segment == "." || segment == ".." {
            return RuleProblem(rule: DiagnosticRule.keyInvalid,
                               message: "the S3 key \(DiagnosticText.quoted(key)) has a `\(segment)` segment; HTTP clients resolve it, so the object would be stored under another key",
                               hint: "remove `.` and `..` segments from the key")
        }
        for reserved in reservedPrefixes where key.hasPrefix(reserved) {
            return RuleProblem(rule: DiagnosticRule.keyReserved,
                               message: "the S3 key \(DiagnosticText.quoted(key)) is under `\(reserved)`, where Skylark moves handled videos",
                               hint: "choose a key outside `processed/` and `failed/`")
        }
        return nil
    }

    /// The key `upload` gives a file: `prefix` followed by the file's name (its last path component).
    public static func derived(prefix: String?, filePath: String) -> String {
        (prefix ?? "") + ManifestPaths.fileName(of: filePath)
    }
}
