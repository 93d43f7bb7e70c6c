import Dispatch
import Foundation
import Logging
import Pipeline

/// `upload`'s per-file progress on stderr. On a TTY one live line (`Terminal`) with each file in flight
/// (percent) and the bytes and recent rate of all; without a TTY a plain line per file every 10 s or each
/// 10 % it passes. The engine's progress callback only records the count; a timer draws.
///
/// `@unchecked Sendable`: `files`, `order` and `rate` are only touched while `lock` is held.
final class UploadProgress: @unchecked Sendable {
    private struct File {
        var name: String
        var size: Int64
        var sent: Int64 = 0
        var lastLine = ContinuousClock.now
        var lastDecile = 0
    }

    private let live: Bool
    private let lock = NSLock()
    private var files: [String: File] = [:]
    private var order: [String] = []
    private var done = 0
    private var doneBytes: Int64 = 0
    private var rate = RateWindow(span: .seconds(10))
    private let total: Int
    private var timer: (any DispatchSourceTimer)?
    private var resize: (any DispatchSourceSignal)?

    init(total: Int, noProgress: Bool = false) {
        self.total = total
        live = !noProgress && Terminal.isTTY
        let queue = DispatchQueue(label: "skylark-ingest.upload-progress")
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(250), repeating: live ? .milliseconds(250) : .seconds(1))
        timer.setEventHandler { [self] in tick() }
        self.timer = timer
        if live {
            Terminal.standardError.setStatus { [self] width in line(width: max(1, width - 1)) }
            signal(SIGWINCH, SIG_IGN)
            let resize = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: queue)
            resize.setEventHandler { Terminal.standardError.redraw() }
            resize.resume()
            self.resize = resize
        }
        timer.resume()
    }

    /// A file starts uploading.
    func started(_ path: String, size: Int64) {
        lock.lock()
        defer { lock.unlock() }
        files[path] = File(name: (path as NSString).lastPathComponent, size: size)
        order.append(path)
    }

    /// The engine's count of a file's bytes sent (it may go back when a request is sent again; the shown
    /// count does not).
    func sent(_ path: String, bytes: Int64) {
        lock.lock()
        defer { lock.unlock() }
        guard var file = files[path], bytes > file.sent else { return }
        file.sent = min(bytes, file.size)
        files[path] = file
        rate.record(Double(doneBytes + files.values.reduce(0) { $0 + $1.sent }), at: .now)
    }

    /// A file ended (uploaded or failed).
    func finished(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        if let file = files.removeValue(forKey: path) {
            done += 1
            doneBytes += file.size
        }
        order.removeAll { $0 == path }
    }

    /// Runs `body`, which prints a result line on stdout, without mixing it into the live line.
    func print(_ body: () -> Void) {
        if live { Terminal.standardError.aroundStatus(body) } else { body() }
    }

    /// Stops drawing and removes the live line.
    func stop() {
        timer?.cancel()
        resize?.cancel()
        if live { Terminal.standardError.setStatus(nil) }
    }

    private func tick() {
        if live {
            Terminal.standardError.redraw()
            return
        }
        // Plain lines: every 10 s, or when a file passes another 10 %.
        var lines: [String] = []
        lock.lock()
        let now = ContinuousClock.now
        for path in order {
            guard var file = files[path], file.size > 0 else { continue }
            let decile = Int(file.sent * 10 / file.size)
            if decile > file.lastDecile || now - file.lastLine >= .seconds(10) {
                file.lastDecile = max(file.lastDecile, decile)
                file.lastLine = now
                files[path] = file
                lines.append("progress \(path): \(file.sent * 100 / file.size)% (\(ByteText.format(file.sent)) of \(ByteText.format(file.size)))")
            }
        }
        lock.unlock()
        for line in lines { Console.printLine(line, level: .info) }
    }

    /// `[2/5] a.mp4 45% b.mp4 10% | 120.0 MiB 48.0 MiB/s`, cut to `width`.
    private func line(width: Int) -> String {
        lock.lock()
        defer { lock.unlock() }
        let inFlight = order.compactMap { files[$0] }
        let sent = doneBytes + inFlight.reduce(0) { $0 + $1.sent }
        let perFile = inFlight.map { "\($0.name) \($0.size > 0 ? $0.sent * 100 / $0.size : 100)%" }.joined(separator: " ")
        var text = "[\(done)/\(total)] \(ByteText.format(sent))"
        if let perSecond = rate.perSecond(at: .now) { text += " \(ByteText.format(Int64(perSecond)))/s" }
        if !perFile.isEmpty { text += " | " + perFile }
        return ProgressLine.truncated(text, to: width)
    }
}
