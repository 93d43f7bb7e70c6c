import Foundation
import IngestCore

/// A profile's `credential_process`: runs the command through `/bin/sh -c` on a thread of its own
/// (never on the cooperative pool), with a timeout, and reads its JSON (`Version: 1`).
public struct ProcessCredentialProvider: CredentialProvider {
    public let command: String
    public let profile: String
    public let timeout: Duration
    public let environment: [String: String]?

    public init(command: String, profile: String, timeout: Duration = .seconds(60), environment: [String: String]? = nil) {
        self.command = command
        self.profile = profile
        self.timeout = timeout
        self.environment = environment
    }

    public var sourceDescription: String { "profile \(profile) (credential_process)" }

    public func credentials() async throws -> AWSCredentials {
        let command = command, timeout = timeout, environment = environment
        let outcome = await DedicatedThread.run(name: "credential_process", stackSize: 1 << 20) {
            ProcessCredentialProvider.run(command: command, timeout: timeout, environment: environment)
        }
        switch outcome {
        case .failure(let error): throw error
        case .success(let output): return try CredentialDocuments.processCredentials(output)
        }
    }

    /// Runs `command` to completion (blocking; call off the pool); its stdout, or why it failed (stderr is
    /// not repeated: it may hold secrets).
    static func run(command: String, timeout: Duration, environment: [String: String]?)
        -> Result<[UInt8], CredentialSourceError> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        if let environment { process.environment = environment }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        do { try process.run() } catch {
            return .failure(.failed("credential_process could not start: \(error.localizedDescription)"))
        }
        // Read stdout while the process runs, so a large answer never blocks it on a full pipe.
        let reader = out.fileHandleForReading
        let collected = Locked(Data())
        let readDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let data = reader.readDataToEndOfFile()
            collected.withLock { $0 = data }
            readDone.signal()
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        if done.wait(timeout: .now() + seconds) == .timedOut {
            process.terminate()
            _ = done.wait(timeout: .now() + 2)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            return .failure(.failed("credential_process did not finish within \(Int(seconds)) s"))
        }
        _ = readDone.wait(timeout: .now() + 5)
        guard process.terminationStatus == 0 else {
            return .failure(.failed("credential_process exited with status \(process.terminationStatus)"))
        }
        return .success([UInt8](collected.withLock { $0 }))
    }
}
