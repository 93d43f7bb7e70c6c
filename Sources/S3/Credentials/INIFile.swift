import Foundation

/// An INI document as AWS's shared files use it: `[section]` headers, `key = value` lines, `#`/`;` comments.
///
/// Keys are lower-cased; a line indented under a key continues it (nested values such as `s3 =` are kept flat
/// as `parent.child`). Later duplicates win.
public struct INIFile: Sendable, Hashable {
    /// Section name → key → value.
    public var sections: [String: [String: String]]

    /// Parses `text`; lines that are neither sections nor assignments are ignored.
    public init(parsing text: String) {
        var sections: [String: [String: String]] = [:]
        var current: String?
        var parentKey: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let indented = line.first == " " || line.first == "\t"
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if !indented, trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") {
                let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                current = name
                parentKey = nil
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let eq = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            // Inline comments need whitespace before the marker (values may contain # or ;).
            for marker in [" #", " ;", "\t#", "\t;"] {
                if let range = value.range(of: marker) { value = value[..<range.lowerBound].trimmingCharacters(in: .whitespaces) }
            }
            if indented, let parent = parentKey {
                sections[section]!["\(parent).\(key)"] = value
            } else {
                sections[section]![key] = value
                parentKey = value.isEmpty ? key : nil
            }
        }
        self.sections = sections
    }

    /// The value of `key` in `section`, nil when absent or empty.
    public func value(_ section: String, _ key: String) -> String? {
        guard let v = sections[section]?[key.lowercased()], !v.isEmpty else { return nil }
        return v
    }
}
