/// Quoting user content (manifest values, keys, ids, paths, subtitle lines) into diagnostic text, so
/// that printing a diagnostic can neither drive the terminal (ESC sequences, NUL, C1 controls) nor
/// hide or reorder what it shows (bidi controls, zero-width and other invisible characters), and one
/// diagnostic stays one short line.
public enum DiagnosticText {
    /// Longest excerpt quoted, in Unicode scalars of the original text.
    public static let excerptLimit = 80

    /// `text` with every unsafe scalar written as `\u{XXXX}` and, past `limit` scalars, cut with `…`.
    /// Counting scalars (not characters) bounds the output even for endless combining marks.
    public static func escaped(_ text: some StringProtocol, limit: Int = excerptLimit) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit { return out + "…" }
            count += 1
            if isUnsafe(scalar) {
                out += "\\u{" + hex(scalar.value) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `escaped(text)` between double quotes: `"a\u{001B}[31mb"`.
    public static func quoted(_ text: some StringProtocol, limit: Int = excerptLimit) -> String {
        "\"" + escaped(text, limit: limit) + "\""
    }

    /// Whether `scalar` must not reach a terminal as it is: C0 and C1 controls and DEL (`Cc`), format
    /// characters (`Cf`: bidi marks, embeddings, overrides and isolates, zero-width space, word joiner,
    /// U+FEFF, soft hyphen, …), line and paragraph separators (U+2028, U+2029), and U+FFFE/U+FFFF.
    /// Zero-width (non-)joiners U+200C/U+200D stay: emoji and several scripts need them.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 || (0x7F...0x9F).contains(value) { return true }
        if value < 0xA0 || value == 0x200C || value == 0x200D { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate: return true
        default: return value == 0xFFFE || value == 0xFFFF
        }
    }

    /// `U+XXXX` (at least four hex digits), the way messages name a character without showing it.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        "U+" + hex(scalar.value)
    }

    /// `U+202E (RIGHT-TO-LEFT OVERRIDE)`: the code point and, when Unicode names it, its name.
    public static func describe(_ scalar: Unicode.Scalar) -> String {
        let name = scalar.properties.name ?? scalar.properties.nameAlias
        return codePoint(scalar) + (name.map { " (\($0))" } ?? "")
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count >= 4 ? digits : String(repeating: "0", count: 4 - digits.count) + digits
    }
}
