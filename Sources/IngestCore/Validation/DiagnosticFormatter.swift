import Foundation

/// Renders a `ValidationResult` as compiler-style text or as JSON data (`validate`'s two output formats).
public enum DiagnosticFormatter {
    /// `FILE:LINE:COL: error[RULE]: message (item "ID")` lines, each followed by an indented `hint:` when
    /// there is one, a line saying how many more were found past `ValidationResult.maxDiagnostics`,
    /// and a summary line.
    public static func text(_ result: ValidationResult, manifestPath: String) -> String {
        var out = ""
        out.reserveCapacity(result.diagnostics.count * 120 + 80)
        for diagnostic in result.diagnostics {
            out += diagnostic.formatted
            out += "\n"
            if let hint = diagnostic.hint {
                out += "    hint: \(DiagnosticText.escaped(hint, limit: Int.max))\n"
            }
        }
        let suppressed = result.suppressedCount
        if suppressed > 0 {
            out += "\(manifestPath): \(suppressed) more diagnostic\(suppressed == 1 ? "" : "s") not shown"
                + " (only the first \(ValidationResult.maxDiagnostics) are listed)\n"
        }
        let errors = result.errorCount, warnings = result.warningCount
        let items = result.manifest?.assets.count ?? 0
        if errors == 0 {
            out += "\(manifestPath): valid, \(items) item\(items == 1 ? "" : "s")"
            out += warnings == 0 ? "\n" : ", \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        } else {
            out += "\(manifestPath): invalid, \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        }
        return out
    }

    /// `{"manifest", "valid", "errors", "warnings", "suppressed", "diagnostics": [{file, line, column, item_id,
    /// field, rule, message, hint, severity}]}`; `errors` and `warnings` count every one found, `diagnostics`
    /// lists the first `ValidationResult.maxDiagnostics`, `suppressed` is how many more there were.
    public static func json(_ result: ValidationResult, manifestPath: String) -> String {
        let report = Report(manifest: manifestPath, valid: !result.hasErrors, errors: result.errorCount,
                            warnings: result.warningCount, suppressed: result.suppressedCount,
                            diagnostics: result.diagnostics.map(Entry.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(report)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private struct Report: Encodable {
        var manifest: String
        var valid: Bool
        var errors: Int
        var warnings: Int
        var suppressed: Int
        var diagnostics: [Entry]
    }

    /// One diagnostic; absent values are written as `null` so every entry has the same keys.
    private struct Entry: Encodable {
        var file: String
        var line: Int
        var column: Int
        var itemID: String?
        var field: String?
        var rule: String
        var message: String
        var hint: String?
        var severity: String

        init(_ diagnostic: Diagnostic) {
            file = diagnostic.location.file
            line = diagnostic.location.line
            column = diagnostic.location.column
            itemID = diagnostic.itemID
            field = diagnostic.field
            rule = diagnostic.rule
            message = diagnostic.message
            hint = diagnostic.hint
            severity = diagnostic.severity.rawValue
        }

        enum CodingKeys: String, CodingKey {
            case file, line, column, itemID = "item_id", field, rule, message, hint, severity
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(file, forKey: .file)
            try container.encode(line, forKey: .line)
            try container.encode(column, forKey: .column)
            try container.encode(itemID, forKey: .itemID)
            try container.encode(field, forKey: .field)
            try container.encode(rule, forKey: .rule)
            try container.encode(message, forKey: .message)
            try container.encode(hint, forKey: .hint)
            try container.encode(severity, forKey: .severity)
        }
    }
}
