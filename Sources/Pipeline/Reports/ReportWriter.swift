import Foundation
import IngestCore

/// Writes the four report files into a directory, each atomically (temporary file + rename).
///
/// Rows are rendered one at a time from a `ReportSource` (two passes: counts and failed rows
/// first, because every file starts with them), so a report's memory does not grow with the
/// number of items.
public enum ReportWriter {
    /// The files written, by name.
    public static let fileNames = ["report.json", "report.csv", "junit.xml", "summary.md"]

    /// Renders the rows of `source` into `directory` (created when missing); returns the counts.
    @discardableResult
    public static func write(_ source: ReportSource, to directory: String) throws -> ReportCounts {
        var counts = ReportCounts()
        var totals = ReportTotals()
        var failed: [ItemReport] = [], adopted: [ItemReport] = []
        var shards = false
        for index in 0..<source.count {
            let item = source.item(index)
            counts.add(item.status)
            totals.add(item)
            if item.status == .failed { failed.append(item) }
            if item.assetAdopted { adopted.append(item) }
            if item.shard != nil { shards = true }
        }
        try write(source.envelope(counts: counts, totals: totals), rows: source.count, row: source.item, failed: failed,
                  adopted: adopted, shards: shards, to: directory)
        return counts
    }

    /// Renders `report` into `directory` (created when missing).
    public static func write(_ report: RunReport, to directory: String) throws {
        try write(report, rows: report.items.count, row: { report.items[$0] },
                  failed: report.items.filter { $0.status == .failed }, adopted: report.items.filter(\.assetAdopted),
                  shards: report.items.contains { $0.shard != nil }, to: directory)
    }

    private static func write(_ envelope: RunReport, rows: Int, row: (Int) -> ItemReport, failed: [ItemReport],
                              adopted: [ItemReport], shards: Bool, to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let json = try ReportOutput(path: directory + "/report.json")
            let csv = try ReportOutput(path: directory + "/report.csv")
            let junit = try ReportOutput(path: directory + "/junit.xml")
            try JSONReport.begin(envelope, json)
            try csv.write(CSVReport.header(shards: shards))
            try junit.write(JUnitReport.header(envelope))
            for index in 0..<rows {
                let item = row(index)
                try JSONReport.row(item, index: index, json)
                try csv.write(CSVReport.row(item, shards: shards))
                try junit.write(JUnitReport.testcase(item))
            }
            try JSONReport.end(envelope, rows: rows, json)
            try junit.write(JUnitReport.footer)
            let summary = try ReportOutput(path: directory + "/summary.md")
            try summary.write(MarkdownSummary.render(envelope, failed: failed, adopted: adopted))
            for output in [json, csv, junit, summary] { try output.commit() }
        } catch let error as IngestError {
            throw error
        } catch {
            throw IngestError(code: .reportWrite, message: "cannot write the report into \(directory): \(error)",
                              hint: "check --report-dir and its permissions")
        }
    }
}
