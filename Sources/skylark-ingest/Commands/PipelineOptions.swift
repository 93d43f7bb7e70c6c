import ArgumentParser
import Foundation
import IngestCore
import Pipeline

/// `--checkpoint` and its default (`MANIFEST.checkpoint` beside the manifest).
struct CheckpointOptions: ParsableArguments {
    @Option(help: "The checkpoint journal: a file, or s3://BUCKET/PREFIX/ for one journal per shard in S3 (default: MANIFEST.checkpoint).")
    var checkpoint: String?

    func path(for manifest: String) -> String { checkpoint ?? manifest + ".checkpoint" }

    /// The checkpoint `status` and `report` read: it must exist (CONTRACT: exit 2 with a hint), as a
    /// typo in `--checkpoint` would otherwise report every item pending. An `s3://` prefix is not
    /// looked at here.
    func existingPath(for manifest: String) throws -> String {
        let path = path(for: manifest)
        if let problem = CheckpointOptions.missingCheckpoint(path, manifest: manifest, explicit: checkpoint != nil,
                                                              exists: { FileManager.default.fileExists(atPath: $0) }) {
            throw ExitStatus.fail(problem)
        }
        return path
    }

    /// Why `path` cannot be read as the checkpoint, with a hint, or nil when it exists (or is in S3).
    static func missingCheckpoint(_ path: String, manifest: String, explicit: Bool,
                                  exists: (String) -> Bool) -> IngestError? {
        guard !path.hasPrefix("s3://"), !exists(path) else { return nil }
        let defaultPath = manifest + ".checkpoint"
        let hint: String
        if explicit && path != defaultPath && exists(defaultPath) {
            hint = "the manifest's checkpoint is \(defaultPath): leave out --checkpoint, or give that path"
        } else if explicit {
            hint = "check the path given to --checkpoint (the default is \(defaultPath), beside the manifest)"
        } else {
            hint = "nothing has run for this manifest yet, or its checkpoint is elsewhere: "
                + "run `skylark-ingest run \(manifest)` first, or give --checkpoint FILE"
        }
        return IngestError(code: .checkpointNotFound, message: "no checkpoint at \(path)", hint: hint)
    }
}

/// Loading a manifest and its journal for `status` and `report` (no lock, nothing written).
enum CheckpointReader {
    /// The manifest's items (structure only; files are not checked) or exit 2.
    static func manifestAssets(_ path: String) throws -> [ManifestAsset] {
        let result = ManifestValidator.validate(path: path, checkFiles: false)
        guard let manifest = result.manifest, !result.hasErrors else {
            StandardOutput.writeError(DiagnosticFormatter.text(result, manifestPath: path))
            throw ExitCode(ExitStatus.usage)
        }
        return manifest.assets
    }

    /// The replayed journal (a missing file is an empty journal).
    static func state(_ path: String) throws -> JournalState {
        let result = try JournalFile.read(path: path)
        if let torn = result.tornTail { Console.printError("warning: \(path): \(torn.description)") }
        return result.state
    }
}

extension StandardOutput {
    /// Writes to stderr.
    static func writeError(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

extension OnExisting: ExpressibleByArgument {}
