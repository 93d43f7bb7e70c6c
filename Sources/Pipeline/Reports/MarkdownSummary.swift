import IngestCore

/// `summary.md`: counts and totals, then the failed items with their codes and the adopted assets, for people.
///
/// Every text that comes from a manifest, a journal or a server is rendered inert: paths in code
/// spans whose fences outnumber their backticks, everything else escaped (`text`), so an id or a
/// message cannot add HTML, links, emphasis or table cells, and hidden characters show as escapes.
public enum MarkdownSummary {
    /// The Markdown text.
    public static func render(_ report: RunReport) -> String {
        render(report, failed: report.items.filter { $0.status == .failed }, adopted: report.items.filter(\.assetAdopted))
    }

    /// The text for the report `envelope` (its `items` are not read) whose failed rows are `failed` and
    /// whose rows with an adopted asset are `adopted`.
    static func render(_ envelope: RunReport, failed: [ItemReport], adopted: [ItemReport] = []) -> String {
        let report = envelope
        let c = report.counts
        var out = "# skylark-ingest report\n\n"
        out += "- Manifest: \(code(report.manifest))\n"
        out += "- Checkpoint: \(code(report.checkpoint))\n"
        out += "- Generated: \(text(report.generatedAt))\n"
        out += "- Stages: \(text(report.stages.map(\.rawValue).joined(separator: ", ")))\n"
        if report.interrupted { out += "- **Interrupted**: run the same command again to resume.\n" }
        out += "\n| status | items |\n|---|---|\n"
        out += "| succeeded | \(c.succeeded) |\n| failed | \(c.failed) |\n| pending | \(c.pending) |\n"
        out += "| skipped | \(c.skipped) |\n| **total** | **\(c.total)** |\n"
        let totals = report.totals
        out += "\n- Video bytes uploaded: \(totals.bytes) (\(ByteText.format(totals.bytes)))\n"
        if let start = totals.startedAt {
            out += "- First item started: \(text(start))\(totals.endedAt.map { "; last item ended: \(text($0))" } ?? "")\n"
        }
        if let duration = totals.durationMS { out += "- Wall time: \(Self.duration(duration))\n" }
        // A report merged over shards says which shard each row came from.
        let shards = failed.contains { $0.shard != nil }
        if !failed.isEmpty {
            out += "\n## Failed items\n\n| id | title | source | stage | code | message | hint |\(shards ? " shard |" : "")\n"
                + "|---|---|---|---|---|---|---|\(shards ? "---|" : "")\n"
            for item in failed {
                out += "| \(text(item.id)) | \(text(item.title ?? "")) | \(code(item.source)) "
                    + "| \(text(item.stage?.rawValue ?? "")) | \(text(item.errorCode ?? "")) "
                    + "| \(text(item.message ?? "")) | \(text(item.hint ?? "")) |"
                    + (shards ? " \(text(item.shard ?? "")) |" : "") + "\n"
            }
        }
        if !adopted.isEmpty {
            out += "\n## Adopted assets (`--on-existing adopt`)\n\n| id | title | asset |\n|---|---|---|\n"
            for item in adopted {
                out += "| \(text(item.id)) | \(text(item.title ?? "")) | \(text(item.assetUID ?? "")) |\n"
            }
        }
        return out
    }

    /// Milliseconds as `1h 02m 03.4s`, `2m 03.4s` or `3.4s`.
    static func duration(_ milliseconds: Int64) -> String {
        let tenths = max(0, milliseconds) / 100
        let seconds = tenths / 10, fraction = tenths % 10
        let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if h > 0 { return "\(h)h \(two(m))m \(two(s)).\(fraction)s" }
        if m > 0 { return "\(m)m \(two(s)).\(fraction)s" }
        return "\(s).\(fraction)s"
    }

    /// `value` as inline Markdown text that is shown as it is, also inside a table cell: `<`, `>` and
    /// `&` as HTML entities; `\`, `` ` ``, `*`, `[`, `]`, `|`, `#`, `~` and `_` (unless between two
    /// ASCII letters or digits, where it cannot start or end emphasis) escaped with a backslash; line
    /// breaks as `<br>`; hidden characters as `\u{XXXX}` (`ReportText`).
    static func text(_ value: String) -> String {
        let scalars = Array(ReportText.visible(value, keeping: ["\n", "\r"]).unicodeScalars)
        var out = ""
        out.unicodeScalars.reserveCapacity(scalars.count + 8)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\r", "\n":
                if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                out += "<br>"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "[", "]", "|", "#", "~":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "_":
                if !isInsideWord(scalars, index) { out += "\\" }
                out.unicodeScalars.append(scalar)
            default:
                out.unicodeScalars.append(scalar)
            }
            index += 1
        }
        return out
    }

    /// Whether the `_` run around `index` has an ASCII letter or digit on both sides.
    private static func isInsideWord(_ scalars: [Unicode.Scalar], _ index: Int) -> Bool {
        var before = index
        while before > 0 && scalars[before - 1] == "_" { before -= 1 }
        var after = index
        while after < scalars.count && scalars[after] == "_" { after += 1 }
        guard before > 0, after < scalars.count else { return false }
        return isASCIIAlphanumeric(scalars[before - 1]) && isASCIIAlphanumeric(scalars[after])
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return false
        }
    }

    /// `value` as a code span (shown verbatim, HTML included, never interpreted): hidden characters
    /// and line breaks as `\u{XXXX}`; the fence one backtick longer than the longest run in `value`,
    /// padded with a space where CommonMark would otherwise strip or merge one.
    static func code(_ value: String) -> String {
        let visible = ReportText.visible(value)
        var longest = 0
        var run = 0
        for scalar in visible.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = visible.hasPrefix("`") || visible.hasSuffix("`") || (visible.hasPrefix(" ") && visible.hasSuffix(" "))
            ? " " : ""
        return fence + pad + visible + pad + fence
    }
}
