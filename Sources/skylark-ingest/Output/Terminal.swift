import Foundation

/// Standard error, shared by log records and the live progress line.
///
/// Every write goes through one lock, so records and redraws never interleave, and the progress line is
/// rendered under that lock from the counters as they are at that moment: an older picture can never be
/// written after a newer one. A record clears the progress line (`\r` + erase line), is written, and the
/// line is drawn again below it.
///
/// `@unchecked Sendable`: `status` and `shown` are only touched while `lock` is held.
final class Terminal: @unchecked Sendable {
    static let standardError = Terminal()

    /// The progress line's renderer, given the terminal's width; nil = no live line.
    typealias StatusRenderer = @Sendable (_ width: Int) -> String

    private let lock = NSLock()
    private var status: StatusRenderer?
    private var shown = false

    /// Erases the line the cursor is on and returns to its start.
    static let clearLine = "\r\u{1B}[2K"

    /// Writes `line` (no newline) as a line of its own, above the progress line if one is shown.
    func writeLine(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        var text = shown ? Terminal.clearLine : ""
        text += line + "\n"
        if let status { text += status(Terminal.width()) }
        Terminal.emit(text)
    }

    /// Runs `body` (which writes to stdout) with the live line cleared, then draws it again, so stdout lines
    /// on the same terminal never land after the progress line.
    func aroundStatus(_ body: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        if shown && status != nil { Terminal.emit(Terminal.clearLine) }
        body()
        fflush(nil)
        if let status { Terminal.emit(Terminal.clearLine + status(Terminal.width())) }
    }

    /// Shows the live line drawn by `render` from now on (nil: removes it).
    func setStatus(_ render: StatusRenderer?) {
        lock.lock()
        defer { lock.unlock() }
        status = render
        if let render {
            Terminal.emit(Terminal.clearLine + render(Terminal.width()))
            shown = true
        } else if shown {
            Terminal.emit(Terminal.clearLine)
            shown = false
        }
    }

    /// Draws the live line again (new counters, or a new terminal width).
    func redraw() {
        lock.lock()
        defer { lock.unlock() }
        guard let status else { return }
        Terminal.emit(Terminal.clearLine + status(Terminal.width()))
        shown = true
    }

    /// The width of the terminal on stderr (TIOCGWINSZ), 80 when it cannot be read.
    static func width() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// Whether stderr is a terminal.
    static var isTTY: Bool { isatty(STDERR_FILENO) == 1 }

    private static func emit(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if written < 0 { if errno == EINTR { continue }; return }
            bytes = bytes.dropFirst(written)
        }
    }
}
