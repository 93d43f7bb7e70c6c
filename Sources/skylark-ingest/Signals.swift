import Dispatch
import Foundation
import Logging
import Pipeline
import Synchronization

/// SIGINT/SIGTERM → a graceful stop: no new work, in-flight stages finish and are checkpointed,
/// reports are written, exit 130. A second signal exits at once (the journal is still consistent:
/// every effect had its intent recorded first).
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(stop: StopSignal) {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if stop.isRequested {
                    Console.printLine("second signal: exiting now", level: .warning)
                    exit(130)
                }
                Console.printLine("stopping: finishing in-flight work (signal again to exit now)", level: .warning)
                SignalTrap.received.withLock { $0 = true }
                stop.request()
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Whether SIGINT or SIGTERM stopped this process's run (what the final summary line says).
    static var signalReceived: Bool { received.withLock { $0 } }
    private static let received = Mutex(false)

    /// Stops listening and restores the default handlers.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
