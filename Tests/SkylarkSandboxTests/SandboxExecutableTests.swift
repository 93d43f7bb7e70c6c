import Foundation
import IngestTestSupport
import Testing

/// The built `skylark-sandbox` binary: readiness line, per-request log without tokens, SIGTERM saves state.
@Suite(.serialized) struct SandboxExecutableTests {
    private func start(_ directory: TempDirectory, port: Int, log: String) async throws -> ServerProcess {
        let server = try ServerProcess(executable: ProcessRunner.product("skylark-sandbox"), arguments: [
            "--port", String(port), "--state-dir", directory.path("state"), "--user", "demo:Demo-Passw0rd!",
        ], logPath: directory.path(log))
        try await server.waitForPort(port, timeout: 30)
        return server
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ProcessRunner.product("skylark-sandbox"))))
    func answeredMutationSurvivesSIGTERMAndRestart() async throws {
        try await withTeardown { teardown in
            let directory = try TempDirectory(prefix: "sandbox-exe")
            defer { directory.remove() }
            let port = PortProbe.freePort()
            let first = try await teardown.stop(start(directory, port: port, log: "first.log"))
            let base = "http://127.0.0.1:\(port)"
            let tokenReply = try await SandboxHTTP(base: base).get("/_admin/token?user=demo")
            let token = try #require(tokenReply.string("IdToken"))
            let http = SandboxHTTP(base: base, token: token)
            #expect(try await http.post("/api/assets/", ["title": "Before SIGTERM"]).status == 201)
            // Stop at once: the answered mutation must be saved by the graceful shutdown, not by luck.
            kill(first.pid, SIGTERM)
            await first.waitForExit()
            #expect(first.process.terminationStatus == 0)
            let log = try String(contentsOfFile: directory.path("first.log"), encoding: .utf8)
            #expect(log.contains("ready on http://127.0.0.1:\(port)"))
            #expect(log.contains("POST /api/assets/ 201"))
            #expect(!log.contains(token), "the log never shows tokens")
            #expect(!log.contains("Demo-Passw0rd!"))

            try await teardown.stop(start(directory, port: port, log: "second.log"))
            let found = try await http.get("/api/assets/?slug=before-sigterm")
            #expect(found.objects.count == 1)
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ProcessRunner.product("skylark-sandbox"))))
    func refusesANonLoopbackHost() async throws {
        let directory = try TempDirectory(prefix: "sandbox-exe")
        defer { directory.remove() }
        let result = try await ProcessRunner.run(ProcessRunner.product("skylark-sandbox"),
                                           ["--host", "0.0.0.0", "--state-dir", directory.path("s")])
        #expect(result.exitCode != 0)
        #expect(result.stderr.contains("loopback"))
    }
}
