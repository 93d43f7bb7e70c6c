import ArgumentParser
import Foundation
import IngestCore
import Pipeline
import Session

/// `skylark-ingest validate MANIFEST [--online] [--format text|json]`: every problem at once;
/// `--online` adds the checks that read Skylark and S3 (nothing is written).
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a manifest and report every problem at once (offline unless --online).",
        discussion: """
            Checks structure, ids, slugs, S3 keys, languages, and every video and subtitle file the
            manifest names. With --online it also logs in, checks the watchfolder bucket, and checks
            that asset types and uids exist (reads only). Exit status: 0 when there are no errors
            (warnings allowed), 2 otherwise, 3 when --online cannot log in or reach a service.
            """
    )

    @Argument(help: "The manifest (.yaml, .yml or .csv).")
    var manifest: String

    @Option(help: "Output format: text or json.")
    var format: DiagnosticOutputFormat = .text

    @Flag(help: "Also check credentials, the bucket, asset types and uids against Skylark and S3 (reads only).")
    var online = false

    @Option(help: "YAML configuration file (the environment variables' keys in lower case).")
    var config: String?

    func run() async throws {
        let path = manifest
        // Validation blocks on many file reads: it runs on a thread of its own, never on the
        // cooperative pool.
        var result = await DedicatedThread.run(name: "validate") { ManifestValidator.validate(path: path) }
        if online, !result.hasErrors, let manifest = result.manifest {
            do {
                let session = IngestSession(configFile: config, notice: { Console.printError($0) })
                let services = try await session.services(for: Set(Stage.allCases))
                result.add(try await OnlineValidation.check(manifest, skylark: services.skylark))
            } catch {
                throw ExitStatus.fail(error)
            }
        }
        let output: String
        switch format {
        case .text: output = DiagnosticFormatter.text(result, manifestPath: path)
        case .json: output = DiagnosticFormatter.json(result, manifestPath: path)
        }
        StandardOutput.write(output)
        if result.hasErrors { throw ExitCode(ExitStatus.usage) }
    }
}
