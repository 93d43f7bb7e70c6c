import CCurl
import Foundation
import Logging
import Synchronization

/// The libcurl multi handle and the dedicated thread that drives it.
///
/// Callers enqueue commands under `submissions`' lock and wake the thread with `curl_multi_wakeup`; the thread
/// runs `curl_multi_perform`/`curl_multi_poll`, and resumes each transfer's continuation when curl
/// reports it done. Concurrency: `submissions` is behind a `Mutex`; `multi` may be
/// woken from any thread while not closed (curl_multi_wakeup is thread-safe); everything else
/// (`active`, `pool`) is touched only by the engine thread. Hence `@unchecked Sendable`.
final class EngineThread: @unchecked Sendable {
    enum Command {
        case add(Transfer)
        case cancel(Transfer)
        case shutdown
    }

    private let configuration: CurlHTTPClient.Configuration
    private let multi: UnsafeMutableRawPointer
    /// The commands not yet taken by the thread, and whether it has stopped taking them.
    private let submissions = Mutex<(pending: [Command], closed: Bool)>(([], false))

    // Engine-thread state.
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var pool: EasyHandlePool
    /// Transfers paused for the shared send rate, in the order they are to be continued (round robin).
    private var ratePaused: [Transfer] = []

    /// Creates the multi handle and starts the thread.
    init(configuration: CurlHTTPClient.Configuration) {
        precondition(CurlGlobal.initialized, "curl_global_init failed")
        self.configuration = configuration
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed") }
        self.multi = multi
        pool = EasyHandlePool(capacity: configuration.handlePoolSize)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxHostConnections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxTotalConnections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(configuration.maxTotalConnections, 1))
        let thread = Thread { [self] in self.run() }
        thread.name = "curl-engine"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues `command` and wakes the thread. Commands after shutdown are answered at once.
    func submit(_ command: Command) {
        let queued = submissions.withLock { submissions in
            guard !submissions.closed else { return false }
            submissions.pending.append(command)
            curl_multi_wakeup(multi)
            return true
        }
        if !queued, case .add(let transfer) = command {
            transfer.complete(.failure(TransportError(kind: .cancelled, message: "HTTP engine shut down",
                                                      url: transfer.urlForErrors)))
        }
    }

    private func takePending() -> [Command] {
        submissions.withLock { submissions in
            let commands = submissions.pending
            submissions.pending.removeAll(keepingCapacity: true)
            return commands
        }
    }

    /// The thread's loop: apply commands, let curl work, collect finished transfers, wait.
    private func run() {
        var running: Int32 = 0
        var stopping = false
        while !stopping {
            for command in takePending() {
                switch command {
                case .add(let transfer): start(transfer)
                case .cancel(let transfer): cancel(transfer)
                case .shutdown: stopping = true
                }
            }
            if stopping { break }
            curl_multi_perform(multi, &running)
            collectFinished()
            let wait = continueRatePaused()
            curl_multi_poll(multi, nil, 0, wait, nil)
        }
        for transfer in Array(active.values) { cancel(transfer) }
        let leftovers = submissions.withLock { submissions in
            submissions.closed = true
            defer { submissions.pending.removeAll() }
            return submissions.pending
        }
        for case .add(let transfer) in leftovers {
            transfer.complete(.failure(TransportError(kind: .cancelled, message: "HTTP engine shut down",
                                                      url: transfer.urlForErrors)))
        }
        pool.drain()
        curl_multi_cleanup(multi)
    }

    /// Queues the transfers the read callback paused for the shared rate, continues them in turn while their
    /// limiter has bytes, and returns how long to poll (ms) before the next one may go on.
    private func continueRatePaused() -> Int32 {
        for transfer in active.values where transfer.pausedForRate && !ratePaused.contains(where: { $0 === transfer }) {
            ratePaused.append(transfer)
        }
        guard !ratePaused.isEmpty else { return 1000 }
        var waitMs: Int64 = 1000
        var index = 0
        while index < ratePaused.count {
            let transfer = ratePaused[index]
            guard let limiter = transfer.request.sendLimiter, let easy = transfer.easy else {
                ratePaused.remove(at: index)
                continue
            }
            let wait = limiter.waitTime()
            if wait > .zero {
                waitMs = min(waitMs, max(1, wait.wholeMilliseconds))
                index += 1
                continue
            }
            ratePaused.remove(at: index)
            transfer.pausedForRate = false
            // CURLPAUSE_CONT (0): curl calls the read callback again at once, which may pause it again.
            _ = curl_easy_pause(easy.raw, 0)
            if transfer.pausedForRate { ratePaused.append(transfer) }
        }
        return ratePaused.isEmpty ? 1000 : Int32(min(waitMs, 1000))
    }

    private func start(_ transfer: Transfer) {
        if transfer.cancelRequested {
            transfer.complete(.failure(cancelledError(transfer)))
            return
        }
        guard let easy = pool.take() else {
            transfer.complete(.failure(TransportError(kind: .other, message: "curl_easy_init failed", url: transfer.urlForErrors)))
            return
        }
        if let error = transfer.openBody() ?? transfer.configure(easy, configuration) {
            pool.giveBack(easy)
            transfer.complete(.failure(error))
            return
        }
        transfer.easy = easy
        transfer.startedAt = .now
        let code = curl_multi_add_handle(multi, easy.raw)
        guard code == CURLM_OK else {
            transfer.easy = nil
            pool.giveBack(easy)
            transfer.complete(.failure(TransportError(kind: .other, message: String(cString: curl_multi_strerror(code)),
                                                      url: transfer.urlForErrors)))
            return
        }
        active[easy.raw] = transfer
    }

    private func cancel(_ transfer: Transfer) {
        guard let easy = transfer.easy, active.removeValue(forKey: easy.raw) != nil else { return }
        ratePaused.removeAll { $0 === transfer }
        curl_multi_remove_handle(multi, easy.raw)
        transfer.easy = nil
        pool.giveBack(easy)
        log(transfer, outcome: "cancelled")
        transfer.complete(.failure(cancelledError(transfer)))
    }

    private func cancelledError(_ transfer: Transfer) -> TransportError {
        TransportError(kind: .cancelled, message: "request cancelled", url: transfer.urlForErrors)
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            guard let transfer = active.removeValue(forKey: handle), let easy = transfer.easy else {
                curl_multi_remove_handle(multi, handle)
                continue
            }
            ratePaused.removeAll { $0 === transfer }
            let result = outcome(of: transfer, easy: easy, code: code)
            curl_multi_remove_handle(multi, handle)
            transfer.easy = nil
            pool.giveBack(easy)
            switch result {
            case .success(let response): log(transfer, outcome: "status=\(response.status)", response: response)
            case .failure(let error): log(transfer, outcome: "error=\(error.kind.rawValue)")
            }
            transfer.complete(result)
        }
    }

    /// The response, or the transport error, of a finished transfer.
    private func outcome(of transfer: Transfer, easy: EasyHandle, code: CURLcode) -> Result<HTTPResponse, TransportError> {
        guard code == CURLE_OK else {
            var osErrno = 0
            _ = ccurl_easy_getinfo_long(easy.raw, CURLINFO_OS_ERRNO, &osErrno)
            var kind = TransportError.Kind(curlCode: code, osErrno: Int32(osErrno))
            var message = transfer.curlMessage(code)
            if transfer.cancelRequested {
                kind = .cancelled
                message = "request cancelled"
            } else if let failure = transfer.readFailure {
                kind = .fileReadFailed
                message = failure
            } else if transfer.responseTooLarge {
                kind = .receiveFailed
                message = "response larger than \(configuration.maxResponseBytes) bytes"
            }
            return .failure(TransportError(kind: kind, message: message, url: transfer.urlForErrors,
                                           systemError: kind == .cancelled || kind == .fileReadFailed ? nil : Int32(osErrno)))
        }
        var status = 0
        _ = ccurl_easy_getinfo_long(easy.raw, CURLINFO_RESPONSE_CODE, &status)
        let body = transfer.responseBody
        transfer.responseBody = []
        return .success(HTTPResponse(status: status, headers: HTTPHeaders(transfer.responseHeaders), body: body))
    }

    private func log(_ transfer: Transfer, outcome: String, response: HTTPResponse? = nil) {
        guard let logger = configuration.logger, logger.logLevel <= .debug else { return }
        let elapsed = (ContinuousClock.now - transfer.startedAt).secondsDouble
        var metadata: Logger.Metadata = [
            "method": .string(transfer.request.method),
            "url": .string(Redaction.url(transfer.request.url)),
            "duration_s": .string(String(format: "%.3f", elapsed)),
            "request_headers": .string(Redaction.headerSummary(transfer.request.headers)),
        ]
        if let response {
            metadata["status"] = .string("\(response.status)")
            metadata["response_headers"] = .string(Redaction.headerSummary(response.headers))
        }
        logger.debug("http \(transfer.request.method) \(Redaction.url(transfer.request.url)) \(outcome)", metadata: metadata)
    }

    deinit {
        // The thread holds `self` strongly while it runs, so deinit happens after it exited.
    }
}
