/// Text from manifests, journals and servers made safe to show in a report file.
///
/// Characters a reader cannot see or that change how the text around them reads are shown as
/// `\u{XXXX}` escapes: controls (Cc: C0, DEL, C1), format characters (Cf: bidi embeddings and
/// overrides such as U+202E and U+2066–U+2069, zero-width characters, the BOM, tag characters),
/// line and paragraph separators (U+2028, U+2029), surrogate code points and noncharacters
/// (U+FFFE, U+FFFF, U+FDD0–U+FDEF, …). Those are also exactly the characters XML 1.0 forbids
/// (0x00–0x08, 0x0B, 0x0C, 0x0E–0x1F, U+FFFE/FFFF, surrogates), so escaped text is always valid
/// XML character data. (A Swift `String` cannot hold a lone surrogate: invalid UTF-8 decodes to U+FFFD.)
/// Backslashes are left as they are, so an escape in a report is ambiguous only with the same
/// text written literally.
enum ReportText {
    /// `text` with every hidden character outside `keeping` written as `\u{XXXX}`.
    static func visible(_ text: String, keeping: Set<Unicode.Scalar> = []) -> String {
        guard text.unicodeScalars.contains(where: { isHidden($0) && !keeping.contains($0) }) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 16)
        for scalar in text.unicodeScalars {
            if isHidden(scalar) && !keeping.contains(scalar) { out += escaped(scalar) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// Whether `scalar` is shown as an escape (see the type's comment).
    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value >= 0x20 && value < 0x7F { return false }
        if value < 0x20 || (0x7F...0x9F).contains(value) { return true }
        if value < 0xA0 { return false }
        let properties = scalar.properties
        if properties.isNoncharacterCodePoint { return true }
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate: return true
        default: return false
        }
    }

    /// `\u{XXXX}`: at least four upper-case hex digits.
    static func escaped(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "\\u{" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "}"
    }
}
