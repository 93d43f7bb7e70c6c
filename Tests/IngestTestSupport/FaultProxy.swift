import Foundation

/// The fault-injecting reverse proxy `scripts/faultproxy.py` on loopback, for tests: started on a
/// free port in front of `upstream`, stopped by pid.
public final class FaultProxy: AsyncStoppable, @unchecked Sendable {
    /// Fault probabilities and the method filter (see the script's `--help`).
    public struct Faults: Sendable {
        public var p503: Double
        public var p500: Double
        public var pReset: Double
        /// Forward, read the answer, then RST the client at once (`reset_after`).
        public var pResetAfter: Double
        /// Forward, read the answer, hold `holdMs`, then RST the client (`commit_then_drop`).
        public var pCommitThenDrop: Double
        /// Forward, read the answer, hold `holdMs`, then answer 500 InternalError (`commit_then_500`).
        public var pCommitThen500: Double
        /// The hold of the commit-then-* faults, in milliseconds.
        public var holdMs: Int
        /// Faults only hit these methods; empty = every method.
        public var onlyMethods: [String]
        /// Request bodies are forwarded at most this fast per connection, in KiB/s; 0 = unlimited.
        public var throttleKiBPerSecond: Int

        public init(p503: Double = 0, p500: Double = 0, pReset: Double = 0, pResetAfter: Double = 0,
                    pCommitThenDrop: Double = 0, pCommitThen500: Double = 0, holdMs: Int = 400,
                    onlyMethods: [String] = [], throttleKiBPerSecond: Int = 0) {
            self.p503 = p503
            self.p500 = p500
            self.pReset = pReset
            self.pResetAfter = pResetAfter
            self.pCommitThenDrop = pCommitThenDrop
            self.pCommitThen500 = pCommitThen500
            self.holdMs = holdMs
            self.onlyMethods = onlyMethods
            self.throttleKiBPerSecond = throttleKiBPerSecond
        }
    }

    /// Counters reported by `GET /_faultproxy/stats`.
    public struct Stats: Sendable, Decodable {
        /// Requests received per "METHOD Operation" (e.g. "PUT UploadPart"), faulted or not.
        public var requests: [String: Int]
        /// Requests whose whole body reached the upstream, per "METHOD Operation".
        public var forwarded: [String: Int]
        /// Faults injected per kind: "503", "500", "reset", "reset_after", "commit_then_drop", "commit_then_500".
        public var faults: [String: Int]
    }

    public let port: Int
    public let upstream: String
    public let server: ServerProcess
    private let directory: TempDirectory

    /// The proxy's base URL, to use instead of the upstream's.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The script's path in this checkout.
    public static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/faultproxy.py").path
    }

    /// Starts the proxy in front of `upstream` (`http://127.0.0.1:PORT`) and waits for its port.
    /// With `authLog`, the proxy appends `<unix time>\t<METHOD Operation>\t<access key id>` per request there.
    public init(upstream: String, faults: Faults = Faults(), seed: Int = 1, authLog: String? = nil) async throws {
        self.upstream = upstream
        // A free port can be taken by another test's server between the probe and the proxy's bind: the proxy
        // then exits while the port answers for someone else. Ours is the one that answers its own control
        // request; otherwise start again on another port (a few times).
        var attempt = 0
        while true {
            attempt += 1
            let directory = try TempDirectory(prefix: "faultproxy")
            let port = PortProbe.freePort()
            var arguments = [FaultProxy.scriptPath, "--listen-port", String(port), "--upstream", upstream,
                             "--seed", String(seed), "--p-503", String(faults.p503), "--p-500", String(faults.p500),
                             "--p-reset", String(faults.pReset), "--p-reset-after", String(faults.pResetAfter),
                             "--p-commit-then-drop", String(faults.pCommitThenDrop),
                             "--p-commit-then-500", String(faults.pCommitThen500), "--hold-ms", String(faults.holdMs),
                             "--throttle-kbps", String(faults.throttleKiBPerSecond)]
            if let authLog { arguments += ["--auth-log", authLog] }
            if !faults.onlyMethods.isEmpty { arguments += ["--only-methods", faults.onlyMethods.joined(separator: ",")] }
            let python = ProcessRunner.which("python3") ?? "/usr/bin/python3"
            let server = try ServerProcess(executable: python, arguments: ["-u"] + arguments, logPath: directory.path("proxy.log"))
            do {
                try await server.waitForPort(port, timeout: 20)
                _ = try await Self.control(endpoint: "http://127.0.0.1:\(port)", "GET", "stats")
                guard server.process.isRunning else {
                    throw ServerProcessError.exited(status: server.process.terminationStatus, log: "the port answered for another server")
                }
                self.port = port
                self.server = server
                self.directory = directory
                return
            } catch {
                await server.stop()
                directory.remove()
                if attempt >= 3 { throw error }
            }
        }
    }

    /// The counters so far.
    public func stats() async throws -> Stats {
        try JSONDecoder().decode(Stats.self, from: await control("GET", "stats"))
    }

    /// Zeroes the counters.
    public func resetStats() async throws {
        _ = try await control("DELETE", "stats")
    }

    /// Changes the fault probabilities, the hold and the throttle while running.
    public func configure(_ faults: Faults) async throws {
        let body: [String: Any] = ["p_503": faults.p503, "p_500": faults.p500, "p_reset": faults.pReset,
                                   "p_reset_after": faults.pResetAfter, "p_commit_then_drop": faults.pCommitThenDrop,
                                   "p_commit_then_500": faults.pCommitThen500, "hold_ms": faults.holdMs,
                                   "throttle_kbps": faults.throttleKiBPerSecond, "only_methods": faults.onlyMethods]
        _ = try await control("POST", "config", body: JSONSerialization.data(withJSONObject: body))
    }

    /// Stops the proxy (awaiting its exit, off the cooperative pool) and removes its log.
    public func stop() async {
        await server.stop()
        directory.remove()
    }

    /// A control request through Python's urllib, so the proxy is checked by an independent client.
    private func control(_ method: String, _ name: String, body: Data? = nil) async throws -> Data {
        try await Self.control(endpoint: endpoint, method, name, body: body)
    }

    private static func control(endpoint: String, _ method: String, _ name: String, body: Data? = nil) async throws -> Data {
        let script = """
        import sys, urllib.request
        data = sys.stdin.buffer.read() or None
        req = urllib.request.Request(sys.argv[1], data=data, method=sys.argv[2], headers={'Content-Type': 'application/json'})
        sys.stdout.write(urllib.request.urlopen(req, timeout=10).read().decode())
        """
        let result = try await ProcessRunner.run(ProcessRunner.which("python3") ?? "/usr/bin/python3",
                                                 ["-c", script, "\(endpoint)/_faultproxy/\(name)", method],
                                                 stdin: body ?? Data())
        guard result.exitCode == 0 else {
            throw ServerProcessError.exited(status: result.exitCode, log: result.stderr)
        }
        return Data(result.stdout.utf8)
    }
}
