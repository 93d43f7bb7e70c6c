import Foundation

/// The fault-injecting reverse proxy `scripts/faultproxy.py` on loopback, for tests: started on a
/// free port in front of `upstream`, stopped by pid.
public final class FaultProxy: @unchecked Sendable {
    /// Fault probabilities and the method filter (see the script's `--help`).
    public struct Faults: Sendable {
        public var p503: Double
        public var p500: Double
        public var pReset: Double
        public var pResetAfter: Double
        /// Faults only hit these methods; empty = every method.
        public var onlyMethods: [String]

        public init(p503: Double = 0, p500: Double = 0, pReset: Double = 0, pResetAfter: Double = 0,
                    onlyMethods: [String] = []) {
            self.p503 = p503
            self.p500 = p500
            self.pReset = pReset
            self.pResetAfter = pResetAfter
            self.onlyMethods = onlyMethods
        }
    }

    /// Counters reported by `GET /_faultproxy/stats`.
    public struct Stats: Sendable, Decodable {
        /// Requests received per "METHOD Operation" (e.g. "PUT UploadPart"), faulted or not.
        public var requests: [String: Int]
        /// Requests whose whole body reached the upstream, per "METHOD Operation".
        public var forwarded: [String: Int]
        /// Faults injected per kind: "503", "500", "reset", "reset_after".
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
    public init(upstream: String, faults: Faults = Faults(), seed: Int = 1, authLog: String? = nil) throws {
        self.upstream = upstream
        directory = try TempDirectory(prefix: "faultproxy")
        port = PortProbe.freePort()
        var arguments = [FaultProxy.scriptPath, "--listen-port", String(port), "--upstream", upstream,
                         "--seed", String(seed), "--p-503", String(faults.p503), "--p-500", String(faults.p500),
                         "--p-reset", String(faults.pReset), "--p-reset-after", String(faults.pResetAfter)]
        if let authLog { arguments += ["--auth-log", authLog] }
        if !faults.onlyMethods.isEmpty { arguments += ["--only-methods", faults.onlyMethods.joined(separator: ",")] }
        let python = ProcessRunner.which("python3") ?? "/usr/bin/python3"
        server = try ServerProcess(executable: python, arguments: ["-u"] + arguments, logPath: directory.path("proxy.log"))
        try server.waitForPort(port, timeout: 20)
    }

    /// The counters so far.
    public func stats() throws -> Stats {
        try JSONDecoder().decode(Stats.self, from: control("GET", "stats"))
    }

    /// Zeroes the counters.
    public func resetStats() throws {
        _ = try control("DELETE", "stats")
    }

    /// Changes the fault probabilities while running.
    public func configure(_ faults: Faults) throws {
        let body: [String: Any] = ["p_503": faults.p503, "p_500": faults.p500, "p_reset": faults.pReset,
                                   "p_reset_after": faults.pResetAfter, "only_methods": faults.onlyMethods]
        _ = try control("POST", "config", body: JSONSerialization.data(withJSONObject: body))
    }

    /// Stops the proxy and removes its log.
    public func stop() {
        server.stop()
        directory.remove()
    }

    /// A control request over a plain socket-free path: Python's urllib, so the proxy is checked
    /// by an independent client.
    private func control(_ method: String, _ name: String, body: Data? = nil) throws -> Data {
        let script = """
        import sys, urllib.request
        data = sys.stdin.buffer.read() or None
        req = urllib.request.Request(sys.argv[1], data=data, method=sys.argv[2], headers={'Content-Type': 'application/json'})
        sys.stdout.write(urllib.request.urlopen(req, timeout=10).read().decode())
        """
        let result = try ProcessRunner.run(ProcessRunner.which("python3") ?? "/usr/bin/python3",
                                           ["-c", script, "\(endpoint)/_faultproxy/\(name)", method],
                                           stdin: body ?? Data())
        guard result.exitCode == 0 else {
            throw ServerProcessError.exited(status: result.exitCode, log: result.stderr)
        }
        return Data(result.stdout.utf8)
    }
}
