import ArgumentParser
import Foundation
import IngestCore

extension JournalBenchmark.Phase: ExpressibleByArgument {}

/// `journal-bench`: the journal benchmark of `scripts/bench/run journal` (`scripts/bench/journal.sh`).
/// A benchmark executable of the package, not a product: it is not part of skylark-ingest.
@main
struct JournalBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal-bench", abstract: "Measure the checkpoint journal (benchmark).")

    @Option(help: "Items in the simulated run.")
    var items: Int = 100_000

    @Option(help: "Scratch directory (deleted afterwards when every phase runs).")
    var directory: String = NSTemporaryDirectory() + "skylark-bench-journal"

    @Option(help: "Validate and use this manifest's items instead of made-up ones.")
    var manifest: String?

    @Option(help: "One phase (appends, run, resume) in this process; by default each runs in a process of its own.")
    var phase: JournalBenchmark.Phase?

    func run() async throws {
        if let phase {
            MallocArenas.limit()  // as the run command does
            for line in try await JournalBenchmark.run(phase, directory: directory, items: items, manifest: manifest) { print(line) }
            return
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executable = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
        for phase in JournalBenchmark.Phase.allCases {
            let child = Process()
            child.executableURL = executable
            child.arguments = ["--phase", phase.rawValue, "--items", String(items), "--directory", directory]
                + (manifest.map { ["--manifest", $0] } ?? [])
            try child.run()
            child.waitUntilExit()
            guard child.terminationStatus == 0 else {
                throw ValidationError("the \(phase.rawValue) phase exited with status \(child.terminationStatus)")
            }
        }
    }
}
