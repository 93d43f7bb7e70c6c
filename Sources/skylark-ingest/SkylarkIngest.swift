import ArgumentParser

@main
struct SkylarkIngest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skylark-ingest",
        abstract: "Ingest a video back catalogue into Skylark from one manifest.",
        version: ToolVersion.current,
        subcommands: [ValidateCommand.self, RunCommand.self, StatusCommand.self, ReportCommand.self, UploadCommand.self,
                      BenchJournalCommand.self]
    )
}

/// The tool's version, written into journals and reports.
enum ToolVersion {
    static let current = "0.1.0"
}
