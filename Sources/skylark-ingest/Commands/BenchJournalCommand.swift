import ArgumentParser
import Foundation
import Pipeline

/// `skylark-ingest bench-journal` (hidden): the journal benchmark of `scripts/benchmarks/journal.sh`.
struct BenchJournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-journal", abstract: "Measure the checkpoint journal (benchmark).", shouldDisplay: false)

    @Option(help: "Items in the simulated run.")
    var items: Int = 100_000

    @Option(help: "Scratch directory (deleted afterwards).")
    var directory: String = NSTemporaryDirectory() + "skylark-bench-journal"

    func run() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let results = try await JournalBenchmark.run(directory: directory, items: items)
        for line in results.lines { print(line) }
    }
}
