import HTTPEngine

/// The run's one bound on Skylark API calls in flight, sized by `AdaptiveConcurrency` (AIMD).
///
/// Every attempt of every Skylark call (the HTTP layer's retries included) takes a slot for as long as
/// the request is on the wire; backoff sleeps hold none. Answers feed the controller: 429/503 halve the
/// limit and their `Retry-After` holds every new call, other answers let it grow while latency holds.
/// Waiters start in arrival order. Each change of the limit is logged at info.
public actor APICallLimiter {
    private var controller: AdaptiveConcurrency
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private let origin = ContinuousClock.now
    /// Where changes of the limit are logged (at info), with metadata.
    private let log: (@Sendable (String, [String: String]) -> Void)?

    public init(_ settings: AdaptiveConcurrency.Settings,
                log: (@Sendable (_ message: String, _ metadata: [String: String]) -> Void)? = nil) {
        controller = AdaptiveConcurrency(settings)
        self.log = log
    }

    /// The limit now.
    public var limit: Int { controller.limit }

    /// Calls in flight now.
    public var active: Int { inFlight }

    private var now: Duration { ContinuousClock.now - origin }

    /// Waits for a slot (and out any `Retry-After` hold); returns when the call started.
    public func acquire() async -> Duration {
        while true {
            let hold = controller.holdRemaining(now: now)
            if hold > .zero {
                try? await Task.sleep(for: hold)
                continue
            }
            if inFlight < controller.limit {
                inFlight += 1
                return now
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    /// Returns the slot of a call started at `startedAt`: `status` is its answer (nil: no answer arrived).
    public func release(startedAt: Duration, status: Int?, retryAfter: Duration?) {
        inFlight -= 1
        let time = now
        let change: AdaptiveConcurrency.Change?
        if let status, AdaptiveConcurrency.isOverload(status) {
            change = controller.overloaded(status: status, retryAfter: retryAfter, startedAt: startedAt, now: time)
        } else if status != nil {
            change = controller.succeeded(latency: time - startedAt, inFlight: inFlight + 1, now: time)
        } else {
            change = nil
        }
        if let change, let log {
            var metadata = ["from": "\(change.from)", "to": "\(change.to)", "reason": change.reason]
            if let retryAfter { metadata["retry_after_ms"] = "\(RetryExecutor.milliseconds(retryAfter))" }
            log("Skylark API concurrency \(change.from) → \(change.to) (\(change.reason))", metadata)
        }
        // Wake as many waiters as there are free slots (each re-checks the limit and any hold).
        var free = controller.limit - inFlight
        while free > 0, !waiters.isEmpty {
            waiters.removeFirst().resume()
            free -= 1
        }
    }
}

/// An `HTTPClient` whose requests each take a slot of an `APICallLimiter` (the Skylark client's, so
/// S3 traffic on the same engine is not counted).
public struct LimitedHTTPClient: HTTPClient {
    public let base: any HTTPClient
    public let limiter: APICallLimiter

    public init(base: any HTTPClient, limiter: APICallLimiter) {
        self.base = base
        self.limiter = limiter
    }

    public func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
        let started = await limiter.acquire()
        let response: HTTPResponse
        do {
            response = try await base.execute(request, progress: progress)
        } catch {
            await limiter.release(startedAt: started, status: nil, retryAfter: nil)
            throw error
        }
        let retryAfter = response.headers["Retry-After"].flatMap { RetryClassification.parseRetryAfter($0) }
        await limiter.release(startedAt: started, status: response.status, retryAfter: retryAfter)
        return response
    }
}
