/// A well-formedness checker for BCP 47 language tags (RFC 5646 §2.1 syntax, case-insensitive).
///
/// It checks the shape only (`en-gb`, `zh-Hant-TW`, `es-419`, `x-private`), not whether the
/// subtags are registered.
public enum BCP47 {
    /// Whether `tag` is a well-formed BCP 47 language tag.
    public static func isWellFormed(_ tag: String) -> Bool { problem(tag) == nil }

    /// Why `tag` is not well-formed, or nil when it is.
    public static func problem(_ tag: String) -> String? {
        if tag.isEmpty { return "it is empty" }
        if tag.contains("_") { return "subtags are separated by `-`, not `_`" }
        guard tag.unicodeScalars.allSatisfy({ $0.isASCII && ($0 == "-" || isAlphanumeric($0)) }) else {
            return "only ASCII letters, digits and `-` are allowed"
        }
        let lowered = tag.lowercased()
        if irregular.contains(lowered) { return nil }
        let parts = lowered.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if parts.contains(where: \.isEmpty) { return "it has an empty subtag (`--`, or a leading or trailing `-`)" }
        // Private use only: x-abc
        if parts[0] == "x" { return privateUse(parts, from: 0) }
        // language
        let language = parts[0]
        guard isAlpha(language), (2...8).contains(language.count) else {
            return "`\(DiagnosticText.escaped(language))` is not a language subtag (2–3 or 4–8 letters)"
        }
        var i = 1
        if language.count <= 3 {
            // up to three extlang subtags of three letters
            var extlangs = 0
            while i < parts.count, extlangs < 3, parts[i].count == 3, isAlpha(parts[i]) { i += 1; extlangs += 1 }
        }
        // script
        if i < parts.count, parts[i].count == 4, isAlpha(parts[i]) { i += 1 }
        // region
        if i < parts.count, (parts[i].count == 2 && isAlpha(parts[i])) || (parts[i].count == 3 && isDigit(parts[i])) { i += 1 }
        // variants
        while i < parts.count, isVariant(parts[i]) { i += 1 }
        // extensions
        var singletons: Set<String> = []
        while i < parts.count, parts[i].count == 1, parts[i] != "x" {
            let singleton = parts[i]
            if singletons.contains(singleton) { return "the extension `\(DiagnosticText.escaped(singleton))` appears twice" }
            singletons.insert(singleton)
            i += 1
            var count = 0
            while i < parts.count, (2...8).contains(parts[i].count), isAlphanumericString(parts[i]) { i += 1; count += 1 }
            if count == 0 { return "the extension `\(DiagnosticText.escaped(singleton))` has no subtags" }
        }
        if i < parts.count, parts[i] == "x" { return privateUse(parts, from: i) }
        if i < parts.count { return "`\(DiagnosticText.escaped(parts[i]))` is not a valid subtag at this place" }
        return nil
    }

    private static func privateUse(_ parts: [String], from start: Int) -> String? {
        guard start + 1 < parts.count else { return "`x` must be followed by private-use subtags" }
        for part in parts[(start + 1)...] where !((1...8).contains(part.count) && isAlphanumericString(part)) {
            return "`\(DiagnosticText.escaped(part))` is not a private-use subtag (1–8 letters or digits)"
        }
        return nil
    }

    private static func isVariant(_ s: String) -> Bool {
        guard isAlphanumericString(s) else { return false }
        if (5...8).contains(s.count) { return true }
        if s.count == 4, let first = s.unicodeScalars.first, isDigitScalar(first) { return true }
        return false
    }

    private static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool { isAlphaScalar(c) || isDigitScalar(c) }
    private static func isAlphaScalar(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
    private static func isDigitScalar(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private static func isAlpha(_ s: String) -> Bool { s.unicodeScalars.allSatisfy(isAlphaScalar) }
    private static func isDigit(_ s: String) -> Bool { s.unicodeScalars.allSatisfy(isDigitScalar) }
    private static func isAlphanumericString(_ s: String) -> Bool { s.unicodeScalars.allSatisfy(isAlphanumeric) }

    /// Grandfathered tags that do not fit the main syntax (RFC 5646 §2.1, `irregular`).
    private static let irregular: Set<String> = [
        "en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux", "i-mingo",
        "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl", "sgn-ch-de",
    ]
}
