import Foundation
import IngestCore

/// `report.csv`: one row per item (RFC 4180 quoting). Columns added later come last, so scripts that
/// read the first ones by position keep working; `shard` only in a report merged over shards.
public enum CSVReport {
    static let columns = ["id", "status", "mode", "asset_uid", "assets", "documents", "transfer", "confirm",
                          "text_track_uids", "document_uids", "bucket", "key", "etag", "bytes",
                          "failed_stage", "error_code", "message", "hint",
                          "title", "source", "asset_adopted", "started_at", "ended_at", "duration_ms"]

    /// The CSV text.
    public static func render(_ report: RunReport) -> String {
        let shards = report.items.contains { $0.shard != nil }
        var out = header(shards: shards)
        for item in report.items { out += row(item, shards: shards) }
        return out
    }

    /// The header line; `shards` adds the `shard` column (a report merged over shards).
    static func header(shards: Bool) -> String { (columns + (shards ? ["shard"] : [])).joined(separator: ",") + "\r\n" }

    /// One item's line.
    static func row(_ item: ItemReport, shards: Bool) -> String {
        let row: [String] = [
            item.id, item.status.rawValue, item.mode.rawValue, item.assetUID ?? "",
            item.stages["assets"] ?? "", item.stages["documents"] ?? "", item.stages["transfer"] ?? "",
            item.stages["confirm"] ?? "",
            item.textTracks.map { "\($0.language)=\($0.textTrackUID ?? "")" }.joined(separator: ";"),
            item.textTracks.map { "\($0.language)=\($0.documentUID ?? "")" }.joined(separator: ";"),
            item.bucket ?? "", item.key ?? "", item.etag ?? "", item.bytes.map(String.init) ?? "",
            item.stage?.rawValue ?? "", item.errorCode ?? "", item.message ?? "",
            item.hint ?? "",
            item.title ?? "", item.source, item.assetAdopted ? "true" : "false", item.startedAt ?? "", item.endedAt ?? "",
            item.durationMS.map(String.init) ?? "",
        ] + (shards ? [item.shard ?? ""] : [])
        return row.map(quote).joined(separator: ",") + "\r\n"
    }

    /// `field` as one CSV field: hidden characters as escapes (tabs and line breaks stay; they are
    /// quoted), a quote mark before anything a spreadsheet could read as a formula, RFC 4180 quoting.
    static func quote(_ field: String) -> String {
        var value = ReportText.visible(field, keeping: ["\t", "\n", "\r"])
        if mayBeReadAsFormula(value) { value = "'" + value }
        if value.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// Whether a spreadsheet could take `value` for a formula (OWASP "CSV Injection"): it starts with
    /// a tab, CR or LF, or its first character after any leading whitespace (spreadsheets trim it) is
    /// `=`, `+`, `-`, `@` or their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20).
    static func mayBeReadAsFormula(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first else { return false }
        if first == "\t" || first == "\r" || first == "\n" { return true }
        guard let start = value.unicodeScalars.first(where: { !$0.properties.isWhitespace }) else { return false }
        return formulaStarts.contains(start)
    }

    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}"]
}
