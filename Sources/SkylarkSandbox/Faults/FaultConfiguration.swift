/// The fault-injection settings: probabilities per API request, and latencies.
///
/// Decoded from `POST /_admin/faults` with snake_case keys (`p_500`, `latency_ms`, …); keys absent
/// from such a body keep their current value.
public struct FaultConfiguration: Sendable, Equatable, Codable {
    /// P(plain 500 SERVER_ERROR, nothing done).
    public var p500: Double = 0
    /// P(503 SERVICE_UNAVAILABLE with `Retry-After: 1`, nothing done).
    public var p503: Double = 0
    /// P(429 RATE_LIMITED with `Retry-After: 1`, nothing done).
    public var p429: Double = 0
    /// P(the request is carried out, then answered 500): how real servers make duplicates.
    public var pCommitThen500: Double = 0
    /// P(the connection is closed without an answer, nothing done).
    public var pDrop: Double = 0
    /// P(the request is carried out, then the connection is closed without an answer): the client
    /// cannot tell whether its write happened.
    public var pCommitThenDrop: Double = 0
    /// P(an extra `latencySpikeMs` before answering).
    public var pLatency: Double = 0
    /// The spike added with probability `pLatency`.
    public var latencySpikeMs: Int = 1000
    /// Added to every API call (models the real round trip).
    public var latencyMs: Int = 0
    /// Whether `/cognito/` gets the same faults as `/api/`.
    public var faultsOnCognito: Bool = false
    /// Faults only hit requests with these methods (upper case); empty = every method. Latency applies
    /// to every method.
    public var faultMethods: [String] = []

    /// Whether a request with `method` may get a fault.
    public func appliesFaults(to method: String) -> Bool {
        faultMethods.isEmpty || faultMethods.contains(method.uppercased())
    }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case p500 = "p_500", p503 = "p_503", p429 = "p_429", pCommitThen500 = "p_commit_then_500", pDrop = "p_drop"
        case pCommitThenDrop = "p_commit_then_drop"
        case pLatency = "p_latency", latencySpikeMs = "latency_spike_ms", latencyMs = "latency_ms"
        case faultsOnCognito = "faults_on_cognito", faultMethods = "fault_methods"
    }

    public init(from decoder: any Decoder) throws {
        self.init()
        try merge(from: decoder)
    }

    /// Overwrites the fields present in `decoder`'s keyed container.
    public mutating func merge(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        p500 = try c.decodeIfPresent(Double.self, forKey: .p500) ?? p500
        p503 = try c.decodeIfPresent(Double.self, forKey: .p503) ?? p503
        p429 = try c.decodeIfPresent(Double.self, forKey: .p429) ?? p429
        pCommitThen500 = try c.decodeIfPresent(Double.self, forKey: .pCommitThen500) ?? pCommitThen500
        pDrop = try c.decodeIfPresent(Double.self, forKey: .pDrop) ?? pDrop
        pCommitThenDrop = try c.decodeIfPresent(Double.self, forKey: .pCommitThenDrop) ?? pCommitThenDrop
        pLatency = try c.decodeIfPresent(Double.self, forKey: .pLatency) ?? pLatency
        latencySpikeMs = try c.decodeIfPresent(Int.self, forKey: .latencySpikeMs) ?? latencySpikeMs
        latencyMs = try c.decodeIfPresent(Int.self, forKey: .latencyMs) ?? latencyMs
        faultsOnCognito = try c.decodeIfPresent(Bool.self, forKey: .faultsOnCognito) ?? faultsOnCognito
        faultMethods = try c.decodeIfPresent([String].self, forKey: .faultMethods)?.map { $0.uppercased() } ?? faultMethods
    }

    /// A problem with the values (a probability outside [0, 1], their sum above 1, a negative latency).
    public var validationError: String? {
        let ps = [("p_500", p500), ("p_503", p503), ("p_429", p429), ("p_commit_then_500", pCommitThen500),
                  ("p_drop", pDrop), ("p_commit_then_drop", pCommitThenDrop), ("p_latency", pLatency)]
        for (name, p) in ps where !(0...1).contains(p) { return "\(name) must be within [0, 1], got \(p)" }
        if p500 + p503 + p429 + pCommitThen500 + pDrop + pCommitThenDrop > 1 + 1e-9 {
            return "p_500 + p_503 + p_429 + p_commit_then_500 + p_drop + p_commit_then_drop must not exceed 1"
        }
        if latencyMs < 0 || latencySpikeMs < 0 { return "latencies must not be negative" }
        return nil
    }
}

/// The fault chosen for one request.
public enum Fault: String, Sendable, Equatable {
    case serverError, unavailable, rateLimited, commitThenServerError, drop, commitThenDrop
}

/// What to do to one request: an optional fault and the delay before answering.
public struct FaultDecision: Sendable, Equatable {
    public var fault: Fault?
    public var delayMs: Int
}

extension FaultConfiguration {
    /// The decision for one request from two uniform draws in [0, 1): `pick` chooses the fault, `spike` the latency.
    public func decide(pick: Double, spike: Double) -> FaultDecision {
        var fault: Fault?
        var edge = 0.0
        for (p, candidate) in [(pDrop, Fault.drop), (p500, .serverError), (p503, .unavailable), (p429, .rateLimited),
                               (pCommitThen500, .commitThenServerError), (pCommitThenDrop, .commitThenDrop)] {
            edge += p
            if pick < edge {
                fault = candidate
                break
            }
        }
        return FaultDecision(fault: fault, delayMs: latencyMs + (spike < pLatency ? latencySpikeMs : 0))
    }
}
