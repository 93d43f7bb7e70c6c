import ArgumentParser
import Foundation
import IngestCore
import Pipeline

/// `skylark-ingest report MANIFEST`: re-renders the reports from the checkpoint (read only).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.json, report.csv, junit.xml and summary.md from the checkpoint."
    )

    @Argument(help: "The manifest (.yaml, .yml or .csv).")
    var manifest: String

    @OptionGroup var checkpointOptions: CheckpointOptions

    @Option(name: .customLong("report-dir"), help: "Where reports go (default: MANIFEST.report/).")
    var reportDir: String?

    func run() async throws {
        let assets = try CheckpointReader.manifestAssets(manifest)
        let checkpointPath = try checkpointOptions.existingPath(for: manifest)
        let reportPath = reportDir ?? manifest + ".report"
        do {
            let state = try CheckpointReader.state(checkpointPath)
            let confirmSeen = assets.contains { !state.item($0.id).confirm.isUntouched }
            let stages: [Stage] = confirmSeen ? Stage.allCases : Stage.defaultRun
            let counts = try ReportWriter.write(ReportSource(assets: assets, state: state, context: .init(
                tool: ToolVersion.current, manifestPath: manifest, checkpointPath: checkpointPath,
                generatedAt: Timestamp.now(), stages: stages)), to: reportPath)
            print("\(reportPath): \(counts.succeeded) succeeded, \(counts.failed) failed, "
                  + "\(counts.pending) pending of \(counts.total)")
        } catch {
            throw ExitStatus.fail(error)
        }
    }
}
