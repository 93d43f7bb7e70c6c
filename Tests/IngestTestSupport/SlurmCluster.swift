import Foundation

/// A single-node Slurm cluster (Debian's `slurm-wlm` 22.05 and `munge`) for tests, started by the test and
/// stopped by pid, like `SeaweedFS`: no systemd, nothing under `/etc` or `/run`, everything under a temp dir.
///
/// - `munged --force -F` with its own key, socket, pid, log and seed files; Slurm finds it through
///   `AuthInfo=socket=…`, with `cred_expire=5` (a requeued task would otherwise wait two minutes for the
///   credential of its first run to expire).
/// - `slurmctld -D` and `slurmd -D` in the foreground as children of the test, on two free ports, the node
///   addressed as 127.0.0.1. Slurm has no bind-address setting: both daemons listen on every interface, on
///   ports chosen at random, for the few seconds a test runs.
/// - `ProctrackType=proctrack/linuxproc` and `TaskPlugin=task/none` (no cgroups), `SlurmdParameters=config_overrides`
///   so the node declares `cpus` CPUs whatever the machine has (eight tasks run at once on two cores),
///   `SchedulerParameters=bf_interval=1,sched_interval=1` so a requeued task starts again within seconds,
///   `ReturnToService=2`, `MailProg=/bin/true`, no accounting (`squeue`/`sacct` need slurmdbd: job states
///   are read with `scontrol show job -o`).
///
/// Client commands (`sbatch`, `scontrol`, `scancel`) run with `SLURM_CONF` pointing at this cluster's file
/// (`environment`); jobs inherit the environment `sbatch` is given. Starts as root in about a second.
public final class SlurmCluster: AsyncStoppable, @unchecked Sendable {
    public let directory: TempDirectory
    /// This cluster's `slurm.conf` (exported as `SLURM_CONF` to every client command and job).
    public let configPath: String
    public let nodeName = "skylark-node"
    public let partition = "skylark"
    public let controllerPort: Int
    public let nodePort: Int
    /// How many CPUs the node declares (one per task: this many tasks run at once).
    public let cpus: Int
    /// The daemons, children of the test (stopped by pid; see `DaemonProcess` for why not `Process`).
    public let munged: DaemonProcess
    public let controller: DaemonProcess
    public let node: DaemonProcess

    /// The Debian packages that provide the daemons and the client commands.
    public static let packages = ["slurm-wlm", "munge"]
    static let programs = ["munged", "slurmctld", "slurmd", "sbatch", "scontrol", "scancel"]

    /// Why a cluster cannot start on this machine (not root, programs missing), or nil when it can.
    public static var unavailableReason: String? {
        if geteuid() != 0 { return "needs root: slurmd runs jobs as the submitting user and munged needs its own key" }
        let missing = programs.filter { program($0) == nil }
        if !missing.isEmpty {
            return "needs \(packages.joined(separator: " ")) (apt-get install \(packages.joined(separator: " "))): "
                + "\(missing.joined(separator: ", ")) not found"
        }
        return nil
    }

    /// Whether a cluster can start here (see `unavailableReason`).
    public static var isAvailable: Bool { unavailableReason == nil }

    /// Installs the packages with apt-get when running as root and they are missing (CI runs as root on
    /// Debian; `scripts/test` does the same first), then answers `isAvailable`. Waits off the pool.
    public static func installIfMissing() async -> Bool {
        if isAvailable { return true }
        guard geteuid() == 0, let aptGet = program("apt-get") else { return false }
        var env = ProcessInfo.processInfo.environment
        env["DEBIAN_FRONTEND"] = "noninteractive"
        if (try? await ProcessRunner.run(aptGet, ["install", "-y", "-qq"] + packages, environment: env))?.exitCode != 0 {
            _ = try? await ProcessRunner.run(aptGet, ["update", "-qq"], environment: env)
            _ = try? await ProcessRunner.run(aptGet, ["install", "-y", "-qq"] + packages, environment: env)
        }
        return isAvailable
    }

    /// The path of a Slurm or munge program (PATH, then `/usr/sbin` and `/usr/bin`, where Debian puts them).
    static func program(_ name: String) -> String? {
        if let found = ProcessRunner.which(name) { return found }
        return ["/usr/sbin/\(name)", "/usr/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts munged, slurmctld and slurmd and waits until the node is idle. A daemon that exits before it
    /// is ready (a port taken meanwhile by another test's server) is started again on new ports.
    public init(cpus: Int = 32, readyTimeout: Duration = .seconds(30)) async throws {
        guard SlurmCluster.isAvailable else { throw SlurmError.unavailable(SlurmCluster.unavailableReason ?? "") }
        self.cpus = cpus
        let directory = try TempDirectory(prefix: "slurm")
        self.directory = directory
        configPath = directory.path("slurm.conf")
        do {
            munged = try await SlurmCluster.startMunge(in: directory)
        } catch {
            directory.remove()
            throw error
        }
        var attempt = 0
        while true {
            attempt += 1
            let ports = SlurmCluster.twoFreePorts()
            let started = try SlurmCluster.startSlurm(in: directory, configPath: configPath, nodeName: nodeName,
                                                      partition: partition, cpus: cpus, ports: ports, attempt: attempt)
            do {
                try await started.controller.waitForPort(ports.controller, timeout: .seconds(30))
                try await SlurmCluster.waitUntilIdle(node: nodeName, daemon: started.node, configPath: configPath,
                                                     timeout: readyTimeout)
                controller = started.controller
                node = started.node
                controllerPort = ports.controller
                nodePort = ports.node
                return
            } catch {
                await started.node.stop()
                await started.controller.stop()
                if case ServerProcessError.exited = error, attempt < 3 { continue }
                await munged.stop()
                directory.remove()
                throw error
            }
        }
    }

    /// The environment for client commands and jobs: this process's environment with `SLURM_CONF` set.
    public var environment: [String: String] { environment(merging: [:]) }

    /// `extra` (e.g. a sandbox stack's settings) plus `SLURM_CONF`; a job submitted with it inherits it.
    public func environment(merging extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        env["SLURM_CONF"] = configPath
        return env
    }

    /// Cancels every job still queued or running and waits (at most `jobGrace`) until they are gone, so no
    /// job step outlives the daemons; then stops slurmd, slurmctld and munged by pid and removes the directory.
    public func stop(jobGrace: Duration) async {
        if let jobs = try? await allTasks() {
            let live = Set(jobs.filter { !$0.isFinished }.map(\.jobID))
            if !live.isEmpty {
                _ = try? await runClient("scancel", Array(live))
                _ = try? await eventually(timeout: jobGrace, interval: .milliseconds(200)) {
                    ((try? await self.allTasks()) ?? []).allSatisfy(\.isFinished)
                }
            }
        }
        await node.stop()
        await controller.stop()
        await munged.stop()
        directory.remove()
    }

    /// Stops the cluster, giving running jobs 30 s to end after their cancel (see `stop(jobGrace:)`).
    public func stop() async { await stop(jobGrace: .seconds(30)) }

    /// Runs a Slurm client command against this cluster.
    @discardableResult
    public func runClient(_ name: String, _ arguments: [String], environment extra: [String: String] = [:]) async throws -> ProcessResult {
        guard let path = SlurmCluster.program(name) else { throw SlurmError.unavailable("\(name) not found") }
        return try await ProcessRunner.run(path, arguments, environment: environment(merging: extra))
    }

    // MARK: - Starting the daemons

    private static func startMunge(in directory: TempDirectory) async throws -> DaemonProcess {
        let mungeDir = directory.path("munge")
        try FileManager.default.createDirectory(atPath: mungeDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        var generator = SystemRandomNumberGenerator()
        let key = Data((0..<1024).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let keyPath = directory.path("munge/munge.key")
        guard FileManager.default.createFile(atPath: keyPath, contents: key, attributes: [.posixPermissions: 0o600]) else {
            throw SlurmError.unavailable("cannot write \(keyPath)")
        }
        let socket = directory.path("munge/munge.socket")
        let process = try DaemonProcess(executable: program("munged") ?? "munged", arguments: [
            "--foreground", "--force", "--socket=\(socket)", "--key-file=\(keyPath)",
            "--pid-file=\(directory.path("munge/munged.pid"))", "--log-file=\(directory.path("munge/munged.log"))",
            "--seed-file=\(directory.path("munge/munged.seed"))",
        ], environment: ProcessInfo.processInfo.environment, logPath: directory.path("munged.out"))
        let ready = try await eventually(timeout: .seconds(10), interval: .milliseconds(20)) {
            guard process.isRunning else {
                throw ServerProcessError.exited(status: process.terminationStatus, log: process.logTail())
            }
            return FileManager.default.fileExists(atPath: socket)
        }
        guard ready else {
            await process.stop()
            throw SlurmError.notReady("munged did not create \(socket)")
        }
        return process
    }

    private static func twoFreePorts() -> (controller: Int, node: Int) {
        let controller = PortProbe.freePort()
        var node = PortProbe.freePort()
        while node == controller { node = PortProbe.freePort() }
        return (controller, node)
    }

    private static func startSlurm(in directory: TempDirectory, configPath: String, nodeName: String, partition: String,
                                   cpus: Int, ports: (controller: Int, node: Int),
                                   attempt: Int) throws -> (controller: DaemonProcess, node: DaemonProcess) {
        // A fresh state directory each attempt: a controller that died must not leave jobs behind.
        let state = directory.path("state-\(attempt)"), spool = directory.path("spool-\(attempt)")
        for dir in [state, spool, directory.path("jobs")] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        let config = configuration(directory: directory, state: state, spool: spool, nodeName: nodeName,
                                   partition: partition, cpus: cpus, ports: ports)
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["SLURM_CONF"] = configPath
        let controller = try DaemonProcess(executable: program("slurmctld") ?? "slurmctld",
                                           arguments: ["-D", "-i", "-f", configPath], environment: env,
                                           logPath: directory.path("slurmctld-\(attempt).out"))
        do {
            let node = try DaemonProcess(executable: program("slurmd") ?? "slurmd",
                                         arguments: ["-D", "-f", configPath, "-N", nodeName], environment: env,
                                         logPath: directory.path("slurmd-\(attempt).out"))
            return (controller, node)
        } catch {
            kill(controller.pid, SIGKILL)
            throw error
        }
    }

    /// The `slurm.conf` of a one-node cluster on loopback (see the type's documentation).
    static func configuration(directory: TempDirectory, state: String, spool: String, nodeName: String, partition: String,
                              cpus: Int, ports: (controller: Int, node: Int)) -> String {
        let host = shortHostName()
        return """
        ClusterName=skylark-test
        SlurmctldHost=\(host)(127.0.0.1)
        SlurmctldPort=\(ports.controller)
        SlurmdPort=\(ports.node)
        SlurmUser=root
        SlurmdUser=root
        AuthType=auth/munge
        CredType=cred/munge
        AuthInfo=socket=\(directory.path("munge/munge.socket")),cred_expire=5
        StateSaveLocation=\(state)
        SlurmdSpoolDir=\(spool)
        SlurmctldPidFile=\(directory.path("slurmctld.pid"))
        SlurmdPidFile=\(directory.path("slurmd.pid"))
        SlurmctldLogFile=\(directory.path("slurmctld.log"))
        SlurmdLogFile=\(directory.path("slurmd.log"))
        ProctrackType=proctrack/linuxproc
        TaskPlugin=task/none
        MpiDefault=none
        SchedulerType=sched/backfill
        SchedulerParameters=bf_interval=1,sched_interval=1
        SelectType=select/cons_tres
        SelectTypeParameters=CR_CPU
        SlurmdParameters=config_overrides
        ReturnToService=2
        MailProg=/bin/true
        JobCompType=jobcomp/none
        AccountingStorageType=accounting_storage/none
        JobAcctGatherType=jobacct_gather/none
        KillWait=10
        MinJobAge=3600
        NodeName=\(nodeName) NodeAddr=127.0.0.1 NodeHostname=\(host) CPUs=\(cpus) State=UNKNOWN
        PartitionName=\(partition) Nodes=\(nodeName) Default=YES MaxTime=INFINITE State=UP

        """
    }

    /// The machine's host name without its domain (slurmctld checks it against `SlurmctldHost`).
    static func shortHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.split(separator: ".").first.map(String.init) ?? "localhost"
    }

    private static func waitUntilIdle(node: String, daemon: DaemonProcess, configPath: String, timeout: Duration) async throws {
        guard let scontrol = program("scontrol") else { throw SlurmError.unavailable("scontrol not found") }
        var env = ProcessInfo.processInfo.environment
        env["SLURM_CONF"] = configPath
        var last = ""
        let idle = try await eventually(timeout: timeout, interval: .milliseconds(100)) {
            guard daemon.isRunning else {
                throw ServerProcessError.exited(status: daemon.terminationStatus, log: daemon.logTail())
            }
            last = try await ProcessRunner.run(scontrol, ["show", "node", "-o", node], environment: env).stdout
            return last.contains("State=IDLE")
        }
        if !idle { throw SlurmError.notReady("node \(node) not idle in time: \(last)") }
    }
}

/// Why a Slurm cluster or job did not do what a test waited for.
public enum SlurmError: Error, CustomStringConvertible {
    case unavailable(String)
    case notReady(String)
    case command(String, ProcessResult)
    case timeout(String, [SlurmTask])

    public var description: String {
        switch self {
        case .unavailable(let why): return "Slurm unavailable: \(why)"
        case .notReady(let what): return "Slurm not ready: \(what)"
        case .command(let command, let result):
            return "\(command) exited \(result.exitCode): \(result.stderr)\(result.stdout)"
        case .timeout(let what, let tasks):
            return "timed out waiting for \(what); tasks: \(tasks.map(\.description).joined(separator: ", "))"
        }
    }
}
