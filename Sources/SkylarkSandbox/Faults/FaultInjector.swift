import IngestCore

/// Owns the live fault settings and the seeded generator; one decision per faultable request.
actor FaultInjector {
    private(set) var configuration: FaultConfiguration
    private var generator: SplitMix64

    init(configuration: FaultConfiguration, seed: UInt64) {
        self.configuration = configuration
        generator = SplitMix64(seed: seed)
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
        if let seed { generator = SplitMix64(seed: seed) }
    }
}
