import Foundation
import IngestCore

/// Where a report's text goes while it is rendered: a file written through a small buffer (under a
/// temporary name, renamed into place by `commit`, so readers never see half a report), or memory
/// (tests, `render` functions).
final class ReportOutput {
    private var buffer: [UInt8] = []
    private var fd: Int32 = -1
    private let temporaryPath: String
    private let finalPath: String
    private static let flushThreshold = 1 << 18

    /// An output collecting into memory (`text` reads it).
    init() {
        temporaryPath = ""
        finalPath = ""
    }

    /// An output into `path`, written as `path.tmp-PID` until `commit`.
    init(path: String) throws {
        temporaryPath = path + ".tmp-\(getpid())"
        finalPath = path
        fd = Foundation.open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.error("cannot create \(temporaryPath)", errno) }
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    deinit {
        // Not committed: the partial file goes, the previous report stays.
        if fd >= 0 {
            Foundation.close(fd)
            unlink(temporaryPath)
        }
    }

    /// Appends `text`.
    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if fd >= 0 && buffer.count >= Self.flushThreshold { try flush() }
    }

    /// The text written so far (memory outputs).
    var text: String { String(decoding: buffer, as: UTF8.self) }

    /// Writes what is buffered, closes the file and renames it over `path`.
    func commit() throws {
        guard fd >= 0 else { return }
        try flush()
        let closed = Foundation.close(fd) == 0
        fd = -1
        guard closed, rename(temporaryPath, finalPath) == 0 else {
            let code = errno
            unlink(temporaryPath)
            throw Self.error("cannot replace \(finalPath)", code)
        }
    }

    private func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.error("cannot write \(temporaryPath)", errno)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private static func error(_ message: String, _ code: Int32) -> IngestError {
        IngestError(code: .reportWrite, message: "\(message): \(String(cString: strerror(code)))",
                    hint: "check --report-dir and its permissions")
    }
}
