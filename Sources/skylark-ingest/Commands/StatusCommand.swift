import ArgumentParser
import Foundation
import IngestCore
import Pipeline
import Session

/// `skylark-ingest status MANIFEST`: per-stage counts and failures from the checkpoint (read only).
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show per-stage progress and failures recorded in the checkpoint.",
        discussion: """
            Over a migration run as shards (the MANIFEST.shard-I-of-N.checkpoint files beside the manifest when
            MANIFEST.checkpoint does not exist, a directory of them, or an s3:// prefix given to --checkpoint),
            each item is read from its shard's checkpoint and the progress of every shard is shown as well.
            """
    )

    @Argument(help: "The manifest (.yaml, .yml or .csv).")
    var manifest: String

    @OptionGroup var checkpointOptions: CheckpointOptions

    @Option(help: "Output format: text or json.")
    var format: DiagnosticOutputFormat = .text

    func run() async throws {
        let assets = try CheckpointReader.manifestAssets(manifest)
        // The watchfolder's S3 endpoint and credentials (environment), as `run` used them, for an s3:// prefix only.
        let session = IngestSession(configFile: nil, notice: { Console.printError($0) })
        let status: StatusSummary
        let checkpoint: String
        switch try await CheckpointSelection.resolve(checkpointOptions, manifest: manifest, session: session) {
        case .single(let path):
            let state: JournalState
            do { state = try CheckpointReader.state(path) } catch { throw ExitStatus.fail(error) }
            status = StatusSummary(assets: assets, state: state)
            checkpoint = path
        case .shards(let merged, let location):
            status = StatusSummary(assets: assets, shards: merged.shards)
            checkpoint = location
        }
        switch format {
        case .text: StandardOutput.write(status.text(manifest: manifest, checkpoint: checkpoint))
        case .json: StandardOutput.write(try status.json(manifest: manifest, checkpoint: checkpoint))
        }
    }
}
