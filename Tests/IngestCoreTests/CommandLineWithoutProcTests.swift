import Foundation
import IngestTestSupport
import Testing

/// Without `/proc` (a bare chroot or container) the Swift runtime finds no command line at all on Linux; the
/// tool used to print its help and exit 0 for any command. It now says why and exits 3.
@Suite struct CommandLineWithoutProcTests {
    static let binary = ProcessRunner.product("skylark-ingest")

    /// `/proc` hidden in a mount namespace of the test's own (root, or a user namespace that may unmount it).
    static let hideProc = "umount -l /proc && test ! -e /proc/self && exec \"$@\""

    static func unshareArguments(_ command: [String]) -> [String] {
        (getuid() == 0 ? ["--mount", "--propagation", "private"] : ["--user", "--map-root-user", "--mount"])
            + ["--", "/bin/sh", "-c", hideProc, "sh"] + command
    }

    /// Whether this machine lets the test hide `/proc` (unshare present, namespaces allowed).
    static func canHideProc() async -> Bool {
        guard FileManager.default.isExecutableFile(atPath: binary), let unshare = ProcessRunner.which("unshare") else {
            return false
        }
        return (try? await ProcessRunner.run(unshare, unshareArguments(["/bin/true"])).exitCode) == 0
    }

    @Test(.enabled { await CommandLineWithoutProcTests.canHideProc() })
    func withoutProcAnyCommandFailsWithAReasonInsteadOfPrintingHelp() async throws {
        let unshare = try #require(ProcessRunner.which("unshare"))
        let result = try await ProcessRunner.run(unshare, Self.unshareArguments([Self.binary, "validate", "missing.yaml"]))
        #expect(result.exitCode == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("COMMAND_LINE_UNREADABLE") && result.stderr.contains("/proc"), "\(result.stderr)")
        #expect(result.stderr.contains("mount -t proc proc /proc"))
        #expect(!result.stdout.contains("USAGE:") && !result.stdout.contains("SUBCOMMANDS"), "printed help: \(result.stdout)")
    }
}
