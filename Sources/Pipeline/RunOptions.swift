import Foundation
import IngestCore

/// How a run behaves (from the command line).
public struct RunOptions: Sendable {
    /// The stages to run (`--stages`); `validate` is always done before the runner starts.
    public var stages: Set<Stage>
    /// Items inside an API stage at once: the most Skylark calls the run may have in flight (`--concurrency N`,
    /// or the cap of `auto`); the calls themselves are bounded by the run's `APICallLimiter`.
    public var concurrency: Int
    /// Videos uploading at once (each uploader bounds its own bytes in flight).
    public var transferSlots: Int
    /// Retry items whose failure was not retryable (`--retry-failed`); retryable failures are always retried.
    public var retryFailed: Bool
    public var confirmTimeout: Duration
    public var pollInterval: Duration
    public var retrier: Retrier

    public init(stages: Set<Stage> = Set(Stage.defaultRun), concurrency: Int = 8, transferSlots: Int = 4,
                retryFailed: Bool = false, confirmTimeout: Duration = .seconds(300),
                pollInterval: Duration = .seconds(2), retrier: Retrier = Retrier()) {
        self.stages = stages
        self.concurrency = max(1, concurrency)
        self.transferSlots = max(1, transferSlots)
        self.retryFailed = retryFailed
        self.confirmTimeout = confirmTimeout
        self.pollInterval = pollInterval
        self.retrier = retrier
    }
}

/// `--concurrency auto|N` and `--concurrency-max M`: how many Skylark API calls a run keeps in flight.
///
/// - `auto` (the default): adaptive, starting at 8 and growing by one while latency holds and no 429/503
///   arrives, halving on them, never above `--concurrency-max` (default 64).
/// - `N`: a fixed ceiling of N calls (`--concurrency-max` is then ignored): starts at N, still halves on
///   429/503 and grows back to N, never above it.
///
/// Either way the bound covers every Skylark call of the run together (all stages, retries included), so
/// N tasks of a sharded run put at most N × the cap on one API (docs/scale-out-api.md).
public enum APIConcurrency: Sendable, Equatable {
    case auto(maximum: Int)
    case fixed(Int)

    /// The default `--concurrency-max`.
    public static let defaultMaximum = 64
    /// Where `auto` starts.
    public static let initial = 8

    /// Parses `--concurrency` (`auto` or a whole number ≥ 1) with `--concurrency-max`; nil when unreadable.
    public init?(parsing text: String, maximum: Int = APIConcurrency.defaultMaximum) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "auto" {
            guard maximum >= 1 else { return nil }
            self = .auto(maximum: maximum)
        } else if let value = Int(trimmed), value >= 1 {
            self = .fixed(value)
        } else {
            return nil
        }
    }

    /// The controller's settings.
    public var settings: AdaptiveConcurrency.Settings {
        switch self {
        case .auto(let maximum): return AdaptiveConcurrency.Settings(initial: APIConcurrency.initial, maximum: maximum)
        case .fixed(let limit): return .fixed(limit)
        }
    }

    /// The most calls in flight: the bound of items inside each API stage.
    public var ceiling: Int {
        switch self {
        case .auto(let maximum): return maximum
        case .fixed(let limit): return limit
        }
    }
}

/// What a run did.
public struct RunResult: Sendable {
    /// Outcome per item of this run (one byte per item: `ItemOutcomes`).
    public var outcomes: ItemOutcomes
    /// Failures per item (stage failures and drift refusals).
    public var errors: [String: IngestError]
    /// Whether a stop request ended the run early.
    public var interrupted: Bool
    /// The checkpoint write that failed and stopped the run (`CHECKPOINT_IO`), if one did.
    public var journalFailure: IngestError?

    public init(outcomes: ItemOutcomes, errors: [String: IngestError], interrupted: Bool,
                journalFailure: IngestError? = nil) {
        self.outcomes = outcomes
        self.errors = errors
        self.interrupted = interrupted
        self.journalFailure = journalFailure
    }

    /// Number of items with `outcome`.
    public func count(_ outcome: ItemOutcome) -> Int { outcomes.count(outcome) }
}
