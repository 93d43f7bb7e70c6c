import Dispatch
import Foundation
import Synchronization

/// Standard error, shared by log records and the live progress line.
///
/// Every write goes through one lock, so records and redraws never interleave, and the progress line is
/// rendered under that lock from the counters as they are at that moment: an older picture can never be
/// written after a newer one. A record clears the progress line (`\r` + erase line), is written, and the
/// line is drawn again below it.
final class Terminal: Sendable {
    static let standardError = Terminal()

    /// The progress line's renderer, given the terminal's width; nil = no live line.
    typealias StatusRenderer = @Sendable (_ width: Int) -> String

    /// The live line's renderer, and whether the line is on the screen now.
    private struct Line {
        var status: StatusRenderer?
        var shown = false
    }

    private let line = Mutex(Line())

    /// Erases the line the cursor is on and returns to its start.
    static let clearLine = "\r\u{1B}[2K"

    /// Writes `line` (no newline) as a line of its own, above the progress line if one is shown.
    func writeLine(_ text: String) {
        line.withLock { line in
            var out = line.shown ? Terminal.clearLine : ""
            out += text + "\n"
            if let status = line.status { out += status(Terminal.width()) }
            Terminal.emit(out)
        }
    }

    /// Runs `body` (which writes to stdout) with the live line cleared, then draws it again, so stdout lines
    /// on the same terminal never land after the progress line.
    func aroundStatus(_ body: () -> Void) {
        line.withLock { line in
            if line.shown && line.status != nil { Terminal.emit(Terminal.clearLine) }
            body()
            fflush(nil)
            if let status = line.status { Terminal.emit(Terminal.clearLine + status(Terminal.width())) }
        }
    }

    /// Shows the live line drawn by `render` from now on (nil: removes it).
    func setStatus(_ render: StatusRenderer?) {
        line.withLock { line in
            line.status = render
            if let render {
                Terminal.emit(Terminal.clearLine + render(Terminal.width()))
                line.shown = true
            } else if line.shown {
                Terminal.emit(Terminal.clearLine)
                line.shown = false
            }
        }
    }

    /// Draws the live line again (new counters, or a new terminal width).
    func redraw() {
        line.withLock { line in
            guard let status = line.status else { return }
            Terminal.emit(Terminal.clearLine + status(Terminal.width()))
            line.shown = true
        }
    }

    /// The width of the terminal on stderr (TIOCGWINSZ), 80 when it cannot be read.
    static func width() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// Whether stderr is a terminal.
    static var isTTY: Bool { isatty(STDERR_FILENO) == 1 }

    /// Running dispatch sources on a queue of their own (`label`): a timer that calls `tick` after `first`
    /// and every `interval` after that, and, when `redrawOnResize`, a SIGWINCH source that draws the live
    /// line again. Cancel them to stop.
    static func drawingSources(label: String, first: DispatchTimeInterval, every interval: DispatchTimeInterval,
                               redrawOnResize: Bool, tick: @escaping @Sendable () -> Void) -> [any DispatchSourceProtocol] {
        let queue = DispatchQueue(label: label)
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + first, repeating: interval)
        timer.setEventHandler(handler: tick)
        timer.resume()
        guard redrawOnResize else { return [timer] }
        signal(SIGWINCH, SIG_IGN)
        let resize = DispatchSource.makeSignalSource(signal: SIGWINCH, queue: queue)
        resize.setEventHandler { Terminal.standardError.redraw() }
        resize.resume()
        return [timer, resize]
    }

    private static func emit(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue }; return }
            bytes = bytes.dropFirst(written)
        }
    }
}
