import Foundation

/// The outcome of running a program to completion.
public struct ProcessResult: Sendable {
    public let exitCode: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs programs as subprocesses: the built binaries of this package, or tools on PATH.
///
/// Every wait happens off the cooperative pool (`OffPool`): tests call these with `await` and never
/// hold one of the pool's threads while a child runs.
public enum ProcessRunner {
    /// The folder holding the built products (`.build/debug`), found from the test bundle.
    public static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        #endif
        return Bundle.main.bundleURL
    }

    /// The path of a built executable product of this package.
    public static func product(_ name: String) -> String {
        productsDirectory.appendingPathComponent(name).path
    }

    /// Runs `executable` with `arguments` and waits for it off the cooperative pool; stdout and stderr
    /// are captured.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           currentDirectory: String? = nil, stdin: Data? = nil) async throws -> ProcessResult {
        let name = URL(fileURLWithPath: executable).lastPathComponent
        return try await OffPool.run("ProcessRunner \(name)") {
            try runBlocking(executable, arguments, environment: environment, currentDirectory: currentDirectory, stdin: stdin)
        }
    }

    /// Starts `executable` without waiting (for tests that signal it mid-run); output goes to `output`
    /// (nil: discarded).
    public static func launch(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                              output: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let output {
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits off the cooperative pool until `process` has exited and returns its termination status.
    @discardableResult
    public static func waitForExit(_ process: Process) async -> Int32 {
        let box = UncheckedProcess(process)
        return await OffPool.run("waitForExit \(process.processIdentifier)") {
            box.process.waitUntilExit()
            return box.process.terminationStatus
        }
    }

    /// Waits until `process` has exited or `timeout` has passed, polling with `Task.sleep` (never
    /// blocking a thread); returns whether it exited.
    public static func waitForExit(_ process: Process, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            do { try await Task.sleep(for: .milliseconds(5)) } catch { return !process.isRunning }
        }
        return true
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]?,
                                    currentDirectory: String?, stdin: Data?) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Feed stdin and drain stdout on threads of their own (not Dispatch's global queues, which the
        // cooperative pool shares on Linux) so a chatty child never blocks on a full pipe.
        let writer = input.fileHandleForWriting
        let feeder = Thread {
            if let stdin, !stdin.isEmpty { try? writer.write(contentsOf: stdin) }
            try? writer.close()
        }
        feeder.name = "ProcessRunner stdin"
        feeder.start()
        let outData = Locked(Data())
        let outDone = DispatchSemaphore(value: 0)
        let reader = out.fileHandleForReading
        let drain = Thread {
            outData.set(reader.readDataToEndOfFile())
            outDone.signal()
        }
        drain.name = "ProcessRunner stdout"
        drain.start()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        outDone.wait()
        process.waitUntilExit()
        return ProcessResult(exitCode: process.terminationStatus,
                             stdout: String(decoding: outData.get(), as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Finds `name` on PATH (and pyenv shims); nil when absent.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A `Process` handed to the thread that waits for it (Foundation's `Process` is not `Sendable`).
struct UncheckedProcess: @unchecked Sendable {
    let process: Process
    init(_ process: Process) { self.process = process }
}

/// A value behind a lock, for results written by one thread and read by another.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
    func set(_ newValue: Value) { lock.lock(); value = newValue; lock.unlock() }
}
