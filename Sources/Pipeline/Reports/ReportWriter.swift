import Foundation
import IngestCore

/// Writes the four report files into a directory, each atomically (temp file + rename).
public enum ReportWriter {
    /// The files written, by name.
    public static let fileNames = ["report.json", "report.csv", "junit.xml", "summary.md"]

    /// Renders `report` into `directory` (created when missing).
    public static func write(_ report: RunReport, to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try save(JSONReport.render(report), directory, "report.json")
            try save(CSVReport.render(report), directory, "report.csv")
            try save(JUnitReport.render(report), directory, "junit.xml")
            try save(MarkdownSummary.render(report), directory, "summary.md")
        } catch let error as IngestError {
            throw error
        } catch {
            throw IngestError(code: "REPORT_WRITE", message: "cannot write the report into \(directory): \(error)",
                              hint: "check --report-dir and its permissions")
        }
    }

    private static func save(_ text: String, _ directory: String, _ name: String) throws {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}

/// `report.json` (schema: `schemas/report.schema.json`).
public enum JSONReport {
    /// The report as pretty-printed JSON with sorted keys.
    public static func render(_ report: RunReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }
}

/// `report.csv`: one row per item (RFC 4180 quoting).
public enum CSVReport {
    static let columns = ["id", "status", "mode", "asset_uid", "assets", "documents", "transfer", "confirm",
                          "text_track_uids", "document_uids", "bucket", "key", "etag", "bytes",
                          "failed_stage", "error_code", "message"]

    /// The CSV text.
    public static func render(_ report: RunReport) -> String {
        var out = columns.joined(separator: ",") + "\r\n"
        for item in report.items {
            let row: [String] = [
                item.id, item.status.rawValue, item.mode.rawValue, item.assetUID ?? "",
                item.stages["assets"] ?? "", item.stages["documents"] ?? "", item.stages["transfer"] ?? "",
                item.stages["confirm"] ?? "",
                item.textTracks.map { "\($0.language)=\($0.textTrackUID ?? "")" }.joined(separator: ";"),
                item.textTracks.map { "\($0.language)=\($0.documentUID ?? "")" }.joined(separator: ";"),
                item.bucket ?? "", item.key ?? "", item.etag ?? "", item.bytes.map(String.init) ?? "",
                item.stage?.rawValue ?? "", item.errorCode ?? "", item.message ?? "",
            ]
            out += row.map(quote).joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func quote(_ field: String) -> String {
        // A leading = + - @ would be a formula in a spreadsheet; prefix a quote mark.
        var value = field
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}

/// `junit.xml`: one testcase per item; failures carry the code and message; pending items are skipped.
public enum JUnitReport {
    /// The XML text.
    public static func render(_ report: RunReport) -> String {
        let failures = report.counts.failed
        let skipped = report.counts.pending + report.counts.skipped
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"skylark-ingest\" tests=\"\(report.counts.total)\" failures=\"\(failures)\">\n"
        out += "  <testsuite name=\"\(escape(report.manifest))\" tests=\"\(report.counts.total)\" "
            + "failures=\(quoted(failures)) errors=\"0\" skipped=\(quoted(skipped)) timestamp=\"\(escape(report.generatedAt))\">\n"
        for item in report.items {
            out += "    <testcase classname=\"skylark-ingest.\(item.mode.rawValue)\" name=\"\(escape(item.id))\""
            switch item.status {
            case .succeeded:
                out += "/>\n"
            case .failed:
                out += ">\n      <failure type=\"\(escape(item.errorCode ?? "UNKNOWN"))\" "
                    + "message=\"\(escape(item.message ?? ""))\">"
                    + "stage: \(escape(item.stage?.rawValue ?? "unknown"))</failure>\n    </testcase>\n"
            case .pending, .skipped:
                out += ">\n      <skipped message=\"\(item.status.rawValue)\"/>\n    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    private static func quoted(_ value: Int) -> String { "\"\(value)\"" }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            default:
                if scalar.value < 0x20 && scalar != "\t" { out += "&#\(scalar.value);" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

/// `summary.md`: counts, then the failed items with their codes, for people.
public enum MarkdownSummary {
    /// The Markdown text.
    public static func render(_ report: RunReport) -> String {
        let c = report.counts
        var out = "# skylark-ingest report\n\n"
        out += "- Manifest: `\(report.manifest)`\n"
        out += "- Checkpoint: `\(report.checkpoint)`\n"
        out += "- Generated: \(report.generatedAt)\n"
        out += "- Stages: \(report.stages.map(\.rawValue).joined(separator: ", "))\n"
        if report.interrupted { out += "- **Interrupted**: run the same command again to resume.\n" }
        out += "\n| status | items |\n|---|---|\n"
        out += "| succeeded | \(c.succeeded) |\n| failed | \(c.failed) |\n| pending | \(c.pending) |\n"
        out += "| skipped | \(c.skipped) |\n| **total** | **\(c.total)** |\n"
        let failed = report.items.filter { $0.status == .failed }
        if !failed.isEmpty {
            out += "\n## Failed items\n\n| id | stage | code | message |\n|---|---|---|---|\n"
            for item in failed {
                out += "| \(cell(item.id)) | \(item.stage?.rawValue ?? "") | \(cell(item.errorCode ?? "")) "
                    + "| \(cell(item.message ?? "")) |\n"
            }
        }
        return out
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
