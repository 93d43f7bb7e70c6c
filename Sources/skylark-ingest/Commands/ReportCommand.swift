import ArgumentParser
import Foundation
import IngestCore
import Pipeline
import Session

/// `skylark-ingest report MANIFEST`: re-renders the reports from the checkpoint (read only).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write report.json, report.csv, junit.xml and summary.md from the checkpoint.",
        discussion: """
            Over a migration run as shards (see `status`), one report covers the whole manifest, each item as its
            shard's checkpoint has it and with its shard.
            """
    )

    @Argument(help: "The manifest (.yaml, .yml or .csv).")
    var manifest: String

    @OptionGroup var checkpointOptions: CheckpointOptions

    @Option(name: .customLong("report-dir"), help: "Where reports go (default: MANIFEST.report/).")
    var reportDir: String?

    func run() async throws {
        let assets = try CheckpointReader.manifestAssets(manifest)
        // The watchfolder's S3 endpoint and credentials (environment), as `run` used them, for an s3:// prefix only.
        let session = IngestSession(configFile: nil, notice: { Console.printError($0) })
        let selection = try await CheckpointSelection.resolve(checkpointOptions, manifest: manifest, session: session)
        let reportPath = reportDir ?? manifest + ".report"
        do {
            let source: ReportSource
            switch selection {
            case .single(let checkpointPath):
                let state = try CheckpointReader.state(checkpointPath)
                let confirmSeen = assets.contains { !state.item($0.id).confirm.isUntouched }
                source = ReportSource(assets: assets, state: state, context: context(checkpointPath, confirmSeen: confirmSeen))
            case .shards(let merged, let location):
                for label in merged.missing {
                    Console.printError("warning: shard \(label) has no checkpoint yet: its items are reported pending")
                }
                let confirmSeen = assets.contains { !merged.shards.item($0.id).confirm.isUntouched }
                source = ReportSource(assets: assets, shards: merged.shards, context: context(location, confirmSeen: confirmSeen))
            }
            let counts = try ReportWriter.write(source, to: reportPath)
            print("\(reportPath): \(counts.succeeded) succeeded, \(counts.failed) failed, "
                  + "\(counts.pending) pending of \(counts.total)")
        } catch {
            throw ExitStatus.fail(error)
        }
    }

    private func context(_ checkpoint: String, confirmSeen: Bool) -> ReportBuilder.Context {
        .init(tool: ToolVersion.current, manifestPath: manifest, checkpointPath: checkpoint,
              generatedAt: Timestamp.now(), stages: confirmSeen ? Stage.allCases : Stage.defaultRun)
    }
}
