/// SplitMix64: a small, fast, seedable generator, so a `--seed` replays the same fault sequence.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}

/// Owns the live fault settings and the seeded generator; one decision per faultable request.
actor FaultInjector {
    private(set) var configuration: FaultConfiguration
    private var generator: SeededGenerator

    init(configuration: FaultConfiguration, seed: UInt64) {
        self.configuration = configuration
        generator = SeededGenerator(seed: seed)
    }

    /// The decision for the next request; Cognito calls are spared unless `faultsOnCognito` is set, and
    /// methods outside `faultMethods` (when set) get the latency but no fault.
    func decide(cognito: Bool = false, method: String? = nil) -> FaultDecision {
        if cognito && !configuration.faultsOnCognito { return FaultDecision(fault: nil, delayMs: 0) }
        let pick = generator.unit()
        let spike = generator.unit()
        var decision = configuration.decide(pick: pick, spike: spike)
        if let method, !configuration.appliesFaults(to: method) { decision.fault = nil }
        return decision
    }

    /// Replaces the settings (and reseeds when `seed` is given).
    func update(_ configuration: FaultConfiguration, seed: UInt64?) {
        self.configuration = configuration
        if let seed { generator = SeededGenerator(seed: seed) }
    }
}
