import Foundation

/// A daemon started by a test with `posix_spawn` and reaped with `waitpid` on its pid, never through
/// Foundation's `Process`.
///
/// Foundation on Linux learns that a child exited when a socket the child inherited closes, and then calls
/// a blocking `waitpid` on its one monitoring thread. Daemons that close every inherited descriptor at start
/// (munged, slurmctld, slurmd) close that socket while they run: the blocking `waitpid` then holds the monitor
/// until the daemon ends, and no other `Process` of the test (every `ProcessRunner.run`) is ever seen to
/// exit. So daemons like these are spawned here instead, and polled with `waitpid(WNOHANG)` and `Task.sleep`.
public final class DaemonProcess: @unchecked Sendable {
    public let pid: pid_t
    public let logPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments` and `environment`, stdin from /dev/null, stdout and stderr
    /// appended to `logPath`.
    public init(executable: String, arguments: [String], environment: [String: String], logPath: String) throws {
        self.logPath = logPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, nil, argv, envp)
        guard result == 0 else {
            throw ServerProcessError.exited(status: result, log: "posix_spawn \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// Whether the daemon still runs (reaps it, keeping its status, once it has exited).
    public var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus != nil { return false }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid || (reaped == -1 && errno == ECHILD) {
            exitStatus = status
            return false
        }
        return true
    }

    /// The raw wait status once it has exited.
    public var terminationStatus: Int32 {
        lock.lock()
        defer { lock.unlock() }
        return exitStatus ?? -1
    }

    /// The last `limit` characters of the daemon's log.
    public func logTail(_ limit: Int = 2000) -> String {
        String(((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(limit))
    }

    /// Waits until 127.0.0.1:`port` accepts connections; throws when the daemon exits first or after `timeout`
    /// (probing once more after the deadline, as `ServerProcess.waitForPort` does).
    public func waitForPort(_ port: Int, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            guard isRunning else { throw ServerProcessError.exited(status: terminationStatus, log: logTail()) }
            if PortProbe.isOpen(port: port) { return }
            guard ContinuousClock.now < deadline else { throw ServerProcessError.notReady(port: port) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// SIGTERM to its pid, SIGKILL after `grace`, and waits until it has exited and been reaped. Polls
    /// with `Task.sleep` (no thread held) and is not cut short by cancellation.
    public func stop(grace: Duration = .seconds(5)) async {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning && ContinuousClock.now < deadline { await Self.pause() }
        if isRunning { kill(pid, SIGKILL) }
        while isRunning { await Self.pause() }
    }

    private static func pause() async {
        do { try await Task.sleep(for: .milliseconds(20)) } catch {
            await OffPool.run("DaemonProcess.stop") { Thread.sleep(forTimeInterval: 0.02) }
        }
    }

    /// A daemon still running when its last reference goes is killed at once (tests stop theirs with `stop()`).
    deinit {
        if exitStatus == nil { kill(pid, SIGKILL) }
    }
}

extension DaemonProcess: AsyncStoppable {
    public func stop() async { await stop(grace: .seconds(5)) }
}
