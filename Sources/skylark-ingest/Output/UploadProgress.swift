import Dispatch
import Foundation
import IngestCore
import Logging
import Pipeline
import Synchronization

/// `upload`'s per-file progress on stderr. On a TTY one live line (`Terminal`) with each file in flight
/// (percent) and the bytes and recent rate of all; without a TTY a plain line per file every 10 s or each
/// 10 % it passes. The engine's progress callback only records the count; a timer draws.
final class UploadProgress: Sendable {
    private struct File {
        var name: String
        var size: Int64
        var sent: Int64 = 0
        var lastLine = ContinuousClock.now
        var lastDecile = 0
    }

    /// The files in flight (in the order they started), the ones done and the recent rate.
    private struct Files {
        var byPath: [String: File] = [:]
        var order: [String] = []
        var done = 0
        var doneBytes: Int64 = 0
        var rate = RateWindow(span: .seconds(10))
    }

    private let live: Bool
    private let total: Int
    /// Shared with the timer, which draws from it.
    private let files: Locked<Files>
    /// The drawing timer and, on a TTY, the SIGWINCH source.
    private let sources: Mutex<[any DispatchSourceProtocol]>

    init(total: Int, noProgress: Bool = false) {
        self.total = total
        let live = !noProgress && Terminal.isTTY
        self.live = live
        let files = Locked(Files())
        self.files = files
        sources = Mutex(Terminal.drawingSources(label: "skylark-ingest.upload-progress", first: .milliseconds(250),
                                                every: live ? .milliseconds(250) : .seconds(1),
                                                redrawOnResize: live) { UploadProgress.tick(files, live: live) })
        if live { Terminal.standardError.setStatus { [self] width in line(width: max(1, width - 1)) } }
    }

    /// A file starts uploading.
    func started(_ path: String, size: Int64) {
        let file = File(name: (path as NSString).lastPathComponent, size: size)
        files.withLock { files in
            files.byPath[path] = file
            files.order.append(path)
        }
    }

    /// The engine's count of a file's bytes sent (it may go back when a request is sent again; the shown
    /// count does not).
    func sent(_ path: String, bytes: Int64) {
        files.withLock { files in
            guard var file = files.byPath[path], bytes > file.sent else { return }
            file.sent = min(bytes, file.size)
            files.byPath[path] = file
            files.rate.record(Double(files.doneBytes + files.byPath.values.reduce(0) { $0 + $1.sent }), at: .now)
        }
    }

    /// A file ended (uploaded or failed).
    func finished(_ path: String) {
        files.withLock { files in
            if let file = files.byPath.removeValue(forKey: path) {
                files.done += 1
                files.doneBytes += file.size
            }
            files.order.removeAll { $0 == path }
        }
    }

    /// Runs `body`, which prints a result line on stdout, without mixing it into the live line.
    func print(_ body: () -> Void) {
        if live { Terminal.standardError.aroundStatus(body) } else { body() }
    }

    /// Stops drawing and removes the live line.
    func stop() {
        sources.withLock { sources in
            for source in sources { source.cancel() }
            sources = []
        }
        if live { Terminal.standardError.setStatus(nil) }
    }

    /// One tick of the timer: draws the live line again, or writes the plain lines that are due.
    private static func tick(_ files: Locked<Files>, live: Bool) {
        if live {
            Terminal.standardError.redraw()
            return
        }
        // Plain lines: every 10 s, or when a file passes another 10 %.
        let lines = files.withLock { files in
            var lines: [String] = []
            let now = ContinuousClock.now
            for path in files.order {
                guard var file = files.byPath[path], file.size > 0 else { continue }
                let decile = Int(file.sent * 10 / file.size)
                if decile > file.lastDecile || now - file.lastLine >= .seconds(10) {
                    file.lastDecile = max(file.lastDecile, decile)
                    file.lastLine = now
                    files.byPath[path] = file
                    lines.append("progress \(path): \(file.sent * 100 / file.size)% (\(ByteText.format(file.sent)) of \(ByteText.format(file.size)))")
                }
            }
            return lines
        }
        for line in lines { Console.printLine(line, level: .info) }
    }

    /// `[2/5] a.mp4 45% b.mp4 10% | 120.0 MiB 48.0 MiB/s`, cut to `width`.
    private func line(width: Int) -> String {
        let text = files.withLock { files in
            let inFlight = files.order.compactMap { files.byPath[$0] }
            let sent = files.doneBytes + inFlight.reduce(0) { $0 + $1.sent }
            let perFile = inFlight.map { "\($0.name) \($0.size > 0 ? $0.sent * 100 / $0.size : 100)%" }.joined(separator: " ")
            var text = "[\(files.done)/\(total)] \(ByteText.format(sent))"
            if let perSecond = files.rate.perSecond(at: .now) { text += " \(ByteText.format(Int64(perSecond)))/s" }
            if !perFile.isEmpty { text += " | " + perFile }
            return text
        }
        return ProgressLine.truncated(text, to: width)
    }
}
