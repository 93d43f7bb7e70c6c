import ArgumentParser
import Foundation
import IngestCore
import Pipeline

/// `skylark-ingest status MANIFEST`: per-stage counts and failures from the checkpoint (read only).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show per-stage progress and failures recorded in the checkpoint."
    )

    @Argument(help: "The manifest (.yaml, .yml or .csv).")
    var manifest: String

    @OptionGroup var checkpointOptions: CheckpointOptions

    @Option(help: "Output format: text or json.")
    var format: DiagnosticOutputFormat = .text

    func run() async throws {
        let assets = try CheckpointReader.manifestAssets(manifest)
        let checkpointPath = try checkpointOptions.existingPath(for: manifest)
        let state: JournalState
        do { state = try CheckpointReader.state(checkpointPath) } catch { throw ExitStatus.fail(error) }
        let status = StatusSummary(assets: assets, state: state)
        switch format {
        case .text: StandardOutput.write(status.text(manifest: manifest, checkpoint: checkpointPath))
        case .json: StandardOutput.write(try status.json(manifest: manifest, checkpoint: checkpointPath))
        }
    }
}
