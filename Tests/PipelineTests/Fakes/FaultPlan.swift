import IngestCore
import IngestTestSupport

/// What a fake does to one write call.
enum Fault: Sendable {
    case none
    /// Fail with a retryable 500 before changing anything.
    case fail
    /// Change the server state, then fail with a retryable 500 (the ambiguous case).
    case commitThenFail
}

/// The kinds of write call a fake Skylark counts and scripts faults for.
enum WriteCall: Sendable, Hashable {
    case createAsset, createTextTrack, createDocument, upload
}

/// One scripted failure of one write call: `commits` = the server stores the write before failing.
struct ScriptedFault: Sendable {
    var commits: Bool
    var error: any Error & Sendable

    /// The write is stored, then answered with `error` (a gateway 503 after the backend committed…).
    static func commitThen(_ error: any Error & Sendable) -> ScriptedFault { ScriptedFault(commits: true, error: error) }
    /// The write is refused before anything is stored.
    static func refuse(_ error: any Error & Sendable) -> ScriptedFault { ScriptedFault(commits: false, error: error) }
}

/// What the Skylark adapter makes of a 503, a 429 and a request timeout (as `IngestError`s).
let injected503 = IngestError(code: .skylarkUnavailable, message: "injected 503", retryable: true)
let injected429 = IngestError(code: .skylarkRateLimited, message: "injected 429", retryable: true)
let injectedTimeout = IngestError(code: .netTimeout, message: "injected timeout", retryable: true)

extension SplitMix64 {
    /// The seeded source of faults (and of crash points) of these tests, so failing runs can be replayed:
    /// one step past `seed`, where this suite's own copy of SplitMix64 started, so a seed recorded from an
    /// earlier failure still replays the same run.
    static func pipeline(seed: UInt64) -> SplitMix64 {
        var random = SplitMix64(seed: seed)
        _ = random.next()
        return random
    }
}

/// Decides the fault of each write call: `failRate` and `commitThenFailRate` are probabilities.
struct FaultPlan: Sendable {
    var random: SplitMix64
    var failRate: Double
    var commitThenFailRate: Double

    static let none = FaultPlan(random: .pipeline(seed: 0), failRate: 0, commitThenFailRate: 0)

    mutating func next() -> Fault {
        let roll = random.unit()
        if roll < failRate { return .fail }
        if roll < failRate + commitThenFailRate { return .commitThenFail }
        return .none
    }
}

/// The error fakes throw for an injected 500.
let injected500 = IngestError(code: .skylarkServerError, message: "injected 500", retryable: true)

/// The error fakes throw once a simulated crash happened (the process is "dead").
struct SimulatedCrash: Error {}
