import IngestCore

/// `report.csv`: one row per item (RFC 4180 quoting).
public enum CSVReport {
    static let columns = ["id", "status", "mode", "asset_uid", "assets", "documents", "transfer", "confirm",
                          "text_track_uids", "document_uids", "bucket", "key", "etag", "bytes",
                          "failed_stage", "error_code", "message"]

    /// The CSV text.
    public static func render(_ report: RunReport) -> String {
        var out = header
        for item in report.items { out += row(item) }
        return out
    }

    /// The header line.
    static var header: String { columns.joined(separator: ",") + "\r\n" }

    /// One item's line.
    static func row(_ item: ItemReport) -> String {
        let row: [String] = [
            item.id, item.status.rawValue, item.mode.rawValue, item.assetUID ?? "",
            item.stages["assets"] ?? "", item.stages["documents"] ?? "", item.stages["transfer"] ?? "",
            item.stages["confirm"] ?? "",
            item.textTracks.map { "\($0.language)=\($0.textTrackUID ?? "")" }.joined(separator: ";"),
            item.textTracks.map { "\($0.language)=\($0.documentUID ?? "")" }.joined(separator: ";"),
            item.bucket ?? "", item.key ?? "", item.etag ?? "", item.bytes.map(String.init) ?? "",
            item.stage?.rawValue ?? "", item.errorCode ?? "", item.message ?? "",
        ]
        return row.map(quote).joined(separator: ",") + "\r\n"
    }

    static func quote(_ field: String) -> String {
        // A leading = + - @ would be a formula in a spreadsheet; prefix a quote mark.
        var value = field
        if let first = value.utf8.first, "=+-@".utf8.contains(first) { value = "'" + value }
        if value.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
