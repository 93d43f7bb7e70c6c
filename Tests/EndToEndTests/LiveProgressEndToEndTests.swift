import Foundation
import IngestTestSupport
import Testing

/// `run`'s live progress line on a terminal (a pty from util-linux `script`, 80 columns by default):
/// every drawing fits the width, clears the line first, and its counts only ever grow.
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/script"),
                             "needs `weed` and util-linux `script`"))
struct LiveProgressEndToEndTests {
    /// `text` as one single-quoted shell word.
    func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }

    @Test func theLiveLineFitsTheTerminalAndItsCountsNeverGoBack() async throws {
        try await withTeardown { teardown in
            let stack = try await teardown.stop(SandboxStack(sandboxArguments: ["--p-503", "0.2", "--seed", "5",
                                                                                "--latency-ms", "20"]))
            let catalogue = try await Catalogue.generate(assets: 12, simple: 2)
            teardown.remove(catalogue.directory)
            let command = ([CLI.binary, "run", catalogue.manifestPath, "--stages", "all"]).map(quoted).joined(separator: " ")
            let result = try await ProcessRunner.run("/usr/bin/script", ["-qfec", command, "/dev/null"],
                                                     environment: stack.environment)
            #expect(result.exitCode == 0, "\(result.stdout.suffix(3000))")
            let output = result.stdout
            #expect(output.contains("\r\u{1B}[2K"), "no live line drawn")
            var lastFinished = -1, lastFailed = -1, drawings = 0
            for match in output.matches(of: #/\[(\d+)/(\d+)\][^\r\n\u{1B}]*/#) {
                let line = String(match.output.0)
                drawings += 1
                #expect(line.count <= 80, "wider than the terminal: \(line)")
                let finished = Int(match.output.1) ?? -1
                let failed = line.firstMatch(of: #/(\d+) failed/#).flatMap { Int($0.output.1) } ?? 0
                #expect(finished >= lastFinished && failed >= lastFailed, "counts went back: \(line)")
                lastFinished = finished
                lastFailed = failed
            }
            #expect(drawings > 0)
        }
    }
}
