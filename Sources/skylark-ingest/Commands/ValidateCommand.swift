import ArgumentParser
import Foundation
import IngestCore

/// `skylark-ingest validate MANIFEST [--format text|json]`: offline checks, every problem at once.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a manifest offline and report every problem at once.",
        discussion: """
            Checks structure, ids, slugs, S3 keys, languages, and every video and subtitle file the
            manifest names. Exit status: 0 when there are no errors (warnings allowed), 2 otherwise.
            """
    )

    @Argument(help: "The manifest (.yaml, .yml or .csv).")
    var manifest: String

    @Option(help: "Output format: text or json.")
    var format: DiagnosticOutputFormat = .text

    func run() async throws {
        let path = manifest
        // Validation blocks on many file reads: it runs on a thread of its own, never on the
        // cooperative pool.
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<ValidationResult, Never>) in
            let thread = Thread {
                continuation.resume(returning: ManifestValidator.validate(path: path))
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        let output: String
        switch format {
        case .text: output = DiagnosticFormatter.text(result, manifestPath: path)
        case .json: output = DiagnosticFormatter.json(result, manifestPath: path)
        }
        StandardOutput.write(output)
        if result.hasErrors { throw ExitCode(2) }
    }
}
