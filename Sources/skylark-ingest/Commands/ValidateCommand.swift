import ArgumentParser

struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a manifest offline and report every problem at once."
    )

    @Argument(help: "The manifest (YAML or CSV).")
    var manifest: String

    func run() async throws {
        throw ExitCode(2)
    }
}
