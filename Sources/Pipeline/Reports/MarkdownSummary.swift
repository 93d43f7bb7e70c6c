import IngestCore

/// `summary.md`: counts, then the failed items with their codes, for people.
public enum MarkdownSummary {
    /// The Markdown text.
    public static func render(_ report: RunReport) -> String {
        render(report, failed: report.items.filter { $0.status == .failed })
    }

    /// The text for the report `envelope` (its `items` are not read) whose failed rows are `failed`.
    static func render(_ envelope: RunReport, failed: [ItemReport]) -> String {
        let report = envelope
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
