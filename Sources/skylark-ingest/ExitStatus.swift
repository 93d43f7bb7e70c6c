import ArgumentParser
import IngestCore
import Pipeline

/// The one mapping from outcomes and errors to the exit codes of CONTRACT.md (restic's `main.go` switch).
enum ExitStatus {
    static let success: Int32 = 0
    static let itemsFailed: Int32 = 1
    static let usage: Int32 = 2
    static let fatal: Int32 = 3
    static let interrupted: Int32 = 130

    /// The exit code for a finished (or stopped) run.
    static func code(for result: RunResult) -> Int32 {
        if result.journalFailure != nil { return fatal }
        if result.interrupted { return interrupted }
        if result.outcomes.count(.failed) > 0 { return itemsFailed }
        return success
    }

    /// The exit code of an exit class (the registry, `ErrorCode.exit`, says which class a code is).
    static func code(for exitClass: ExitClass) -> Int32 {
        switch exitClass {
        case .itemFailure: return itemsFailed
        case .usage: return usage
        case .fatal: return fatal
        case .interrupted: return interrupted
        }
    }

    /// The exit code for an error that ended a command before or outside the item work: its code's class.
    static func code(for error: any Error) -> Int32 {
        if error is CancellationError { return interrupted }
        if let exit = error as? ExitCode { return exit.rawValue }
        if error is ValidationError { return usage }
        return code(for: IngestError.from(error).code.exit)
    }

    /// The exit code of `upload`: interrupted, some files failed, or success.
    static func code(uploadFailures failures: Int, interrupted stopped: Bool) -> Int32 {
        if stopped { return interrupted }
        return failures > 0 ? itemsFailed : success
    }

    /// `error`, or exit code 2 in its place when argument-parser would exit with EX_USAGE (64).
    static func usageMapped(_ error: any Error, exitCode: ExitCode) -> any Error {
        guard exitCode.rawValue == 64 else { return error }
        // Print the usage message argument-parser would print, then exit 2.
        Console.printError(SkylarkIngest.fullMessage(for: error))
        return ExitCode(usage)
    }

    /// Prints `error` (never secrets: `IngestError` messages carry none) and exits with its code.
    static func fail(_ error: any Error) -> ExitCode {
        let ingest = IngestError.from(error)
        Console.printError("error: \(ingest.description)")
        return ExitCode(code(for: error))
    }
}
