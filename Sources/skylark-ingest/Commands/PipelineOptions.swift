import ArgumentParser
import Foundation
import IngestCore
import Pipeline

/// `--checkpoint` and its default (`MANIFEST.checkpoint` beside the manifest).
struct CheckpointOptions: ParsableArguments {
    @Option(help: "The checkpoint journal (default: MANIFEST.checkpoint).")
    var checkpoint: String?

    func path(for manifest: String) -> String { checkpoint ?? manifest + ".checkpoint" }
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
