import Foundation
import IngestTestSupport
import Testing

/// The test helpers must never block the cooperative pool: with as many concurrent helper calls as the
/// pool has threads, an unrelated `Task.sleep(for: .milliseconds(50))` still finishes promptly.
///
/// Each helper call waits on something the test releases only after that measurement (a flag file),
/// bounded to ~40 s. A helper that blocks its thread therefore holds every pool thread for ~40 s and the
/// 50 ms sleep cannot resume until then: the bound of 20 s fails. (The bound leaves room for the rest of
/// the suite, whose tests run beside this one and hold the pool for seconds at a time on 2 cores: 5.8 s seen.) Helpers that wait off the pool pass in
/// well under a second.
///
/// libdispatch on Linux sometimes adds threads when it sees its workers blocked (seconds later, or not
/// at all), so a blocking helper starves the pool often but not always; `waitForPort`'s sleep loop did
/// every time on the old helpers (a 50 ms sleep took 8.4 s).
@Suite(.serialized) struct CooperativePoolTests {
    /// How many helper calls run at once: the cooperative pool's width.
    static let width = ProcessInfo.processInfo.activeProcessorCount

    /// A shell loop that ends when `$1` exists, or after ~40 s.
    static let waitForFlag = #"i=0; while [ ! -e "$1" ] && [ $i -lt 800 ]; do sleep 0.05; i=$((i+1)); done"#

    /// A shell loop like `waitForFlag` that ignores SIGTERM (so a stop has to wait or escalate).
    static let waitForFlagIgnoringTERM = "trap '' TERM; " + waitForFlag

    /// How long an unrelated 50 ms sleep takes while `saturate` keeps `width` helper calls going; the
    /// calls are released (flag file created) right after the measurement, then awaited.
    func sleepLatency(while saturate: @escaping @Sendable (_ flag: String) async throws -> Void) async throws -> Duration {
        let directory = try TempDirectory(prefix: "pool")
        defer { directory.remove() }
        let flag = directory.path("release")
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.width { group.addTask { try await saturate(flag) } }
            // Let the helper calls start and occupy whatever threads they use.
            try await Task.sleep(for: .milliseconds(200))
            let elapsed = try await ContinuousClock().measure { try await Task.sleep(for: .milliseconds(50)) }
            _ = FileManager.default.createFile(atPath: flag, contents: nil)
            try await group.waitForAll()
            return elapsed
        }
    }

    @Test func processRunnerRunLeavesThePoolFree() async throws {
        let elapsed = try await sleepLatency { flag in
            let result = try await ProcessRunner.run("/bin/sh", ["-c", Self.waitForFlag, "sh", flag])
            #expect(result.exitCode == 0)
        }
        #expect(elapsed < .seconds(20), "a 50 ms sleep took \(elapsed) while \(Self.width) ProcessRunner.run calls waited")
    }

    @Test func waitForPortLeavesThePoolFree() async throws {
        let elapsed = try await sleepLatency { flag in
            let log = try TempDirectory(prefix: "pool-server")
            defer { log.remove() }
            // A "server" that never listens and exits once released: waitForPort fails when it exits.
            let server = try ServerProcess(executable: "/bin/sh", arguments: ["-c", Self.waitForFlag, "sh", flag],
                                           logPath: log.path("server.log"))
            await #expect(throws: ServerProcessError.self) {
                try await server.waitForPort(PortProbe.freePort(), timeout: 40)
            }
            await server.stop()
        }
        #expect(elapsed < .seconds(20), "a 50 ms sleep took \(elapsed) while \(Self.width) waitForPort calls waited")
    }

    @Test func serverStopLeavesThePoolFree() async throws {
        let elapsed = try await sleepLatency { flag in
            let log = try TempDirectory(prefix: "pool-server")
            defer { log.remove() }
            let server = try ServerProcess(executable: "/bin/sh", arguments: ["-c", Self.waitForFlagIgnoringTERM, "sh", flag],
                                           logPath: log.path("server.log"))
            // Give the shell time to install its trap, so SIGTERM is ignored and stop has to wait.
            try await Task.sleep(for: .milliseconds(100))
            await server.stop(grace: 40)
        }
        #expect(elapsed < .seconds(20), "a 50 ms sleep took \(elapsed) while \(Self.width) ServerProcess.stop calls waited")
    }
}
