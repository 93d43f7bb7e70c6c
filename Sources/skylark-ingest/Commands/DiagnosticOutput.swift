import ArgumentParser
import Foundation
import IngestCore

/// How `validate` prints its findings (rendered by IngestCore's `DiagnosticFormatter`).
enum DiagnosticOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Writes to standard output in one call (large reports are not split into many small writes).
enum StandardOutput {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
