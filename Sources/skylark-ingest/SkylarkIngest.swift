import ArgumentParser
import IngestCore

@main
struct SkylarkIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skylark-ingest",
        abstract: "Ingest a video back catalogue into Skylark from one manifest.",
        version: ToolVersion.versionText,
        subcommands: [ValidateCommand.self, RunCommand.self, StatusCommand.self, ReportCommand.self, UploadCommand.self]
    )

    /// Runs the command line; usage errors exit 2 (CONTRACT.md), not argument-parser's 64.
    static func main() async {
        // On Linux the Swift runtime reads the arguments from /proc/self/cmdline. Without /proc (a bare
        // chroot or container) it finds none, not even the program's name, and the root command would
        // print its help and exit 0 whatever was asked: say so and fail instead.
        guard !CommandLine.arguments.isEmpty else {
            let error = IngestError(
                code: .commandLineUnreadable,
                message: "cannot read the command line: the Swift runtime reads it from /proc/self/cmdline, and /proc "
                    + "is not mounted",
                hint: "mount proc (mount -t proc proc /proc), or in a container keep the runtime's /proc")
            exit(withError: ExitStatus.fail(error))
        }
        do {
            var command = try parseAsRoot()
            // A whole catalogue in memory: fewer allocator arenas, less resident (MallocArenas).
            if command is RunCommand { MallocArenas.limit() }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: ExitStatus.usageMapped(error, exitCode: exitCode(for: error)))
        }
    }
}

/// The tool's version, written into journals and reports.
enum ToolVersion {
    static let current = "0.1.0"

    /// What `--version` prints: `skylark-ingest VERSION`, then `commit: SHA` — the commit this binary
    /// was built from, recorded by `scripts/package` (`BuildInfo`), or `unknown` in any other build.
    static var versionText: String {
        "skylark-ingest \(current)\ncommit: \(BuildInfo.commit ?? "unknown (development build; scripts/package records it)")"
    }
}
