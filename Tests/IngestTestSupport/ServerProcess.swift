import Foundation

/// A server started by a test: launched as a child, probed for readiness, stopped by its pid.
public final class ServerProcess: @unchecked Sendable {
    public let process: Process
    public let logPath: String

    /// The child's pid.
    public var pid: Int32 { process.processIdentifier }

    /// Starts `executable` with `arguments`, sending its output to `logPath`.
    public init(executable: String, arguments: [String], environment: [String: String]? = nil,
                logPath: String) throws {
        self.logPath = logPath
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until a TCP connection to 127.0.0.1:`port` succeeds, or throws after `timeout` seconds
    /// (or when the server exits first). Polls with `Task.sleep`: no thread is held while waiting, and
    /// cancelling the task ends the wait. The port is probed once more after the deadline: a wait whose
    /// task was not scheduled for a while (a loaded machine) fails only if the server is really not there.
    public func waitForPort(_ port: Int, timeout: TimeInterval = 30) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            if !process.isRunning {
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                throw ServerProcessError.exited(status: process.terminationStatus, log: String(log.suffix(2000)))
            }
            if PortProbe.isOpen(port: port) { return }
            guard ContinuousClock.now < deadline else { throw ServerProcessError.notReady(port: port) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits until the server has written the port it listens on to `path` (a decimal number, written to a
    /// temporary file and renamed once the socket listens) and returns it; throws when the server exits first
    /// or after `timeout` seconds. A server that binds port 0 and reports the port it got cannot lose its port
    /// to another test between a free-port probe and its bind.
    public func waitForPortFile(_ path: String, timeout: TimeInterval = 60) async throws -> Int {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return port }
            if !process.isRunning {
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                throw ServerProcessError.exited(status: process.terminationStatus, log: String(log.suffix(2000)))
            }
            guard ContinuousClock.now < deadline else { throw ServerProcessError.noPortFile(path: path) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops the server and waits until it has exited: SIGTERM to its pid, then SIGKILL after `grace`
    /// seconds. The waiting happens on a thread of its own, never on the cooperative pool, and is not
    /// cut short by cancellation (the process is always gone when this returns).
    public func stop(grace: TimeInterval) async {
        guard process.isRunning else { return }
        let box = UncheckedProcess(process)
        let pid = self.pid
        await OffPool.run("ServerProcess.stop \(pid)") {
            let process = box.process
            guard process.isRunning else { return }
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
    }

    /// Waits off the cooperative pool until the server has exited (after a signal the test sent).
    @discardableResult
    public func waitForExit() async -> Int32 {
        await ProcessRunner.waitForExit(process)
    }

    /// A server still running when its last reference goes is killed at once, without waiting: tests
    /// stop their servers with `await stop()`, and a deinit must never block the thread it runs on.
    deinit {
        if process.isRunning { kill(pid, SIGKILL) }
    }
}

extension ServerProcess: AsyncStoppable {
    /// Stops the server with a 5 s grace period (see `stop(grace:)`).
    public func stop() async { await stop(grace: 5) }
}

public enum ServerProcessError: Error, CustomStringConvertible {
    case exited(status: Int32, log: String)
    case notReady(port: Int)
    case noPortFile(path: String)

    public var description: String {
        switch self {
        case .exited(let status, let log): return "server exited with status \(status) before it was ready:\n\(log)"
        case .notReady(let port): return "server not listening on 127.0.0.1:\(port) in time"
        case .noPortFile(let path): return "server wrote no port to \(path) in time"
        }
    }
}

/// Loopback TCP helpers for tests.
public enum PortProbe {
    /// Whether something accepts connections on 127.0.0.1:`port`.
    public static func isOpen(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    /// A port that is free on 127.0.0.1 right now (bound to 0, then released).
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
