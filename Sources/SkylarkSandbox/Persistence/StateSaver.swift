import ServiceLifecycle

/// Saves the state every `interval` when it changed, and once more when the sandbox stops.
///
/// Runs as the first service of the group, so it is shut down last: every answered mutation is in
/// the store by then, and the final save writes it.
struct StateSaver: Service {
    let keeper: StoreKeeper
    let directory: StateDirectory
    let interval: Duration
    let log: RequestLog

    func run() async throws {
        var pause = interval
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: pause)
            let took = await saveIfDirty()
            // A large state (thousands of assets) costs real CPU to encode: never spend more than
            // about a fifth of the time saving.
            pause = max(interval, took * 4)
        }
        _ = await saveIfDirty()
    }

    /// Writes the state if it changed since the last save; returns how long that took.
    @discardableResult
    func saveIfDirty() async -> Duration {
        guard let snapshot = await keeper.takeDirtySnapshot() else { return .zero }
        let clock = ContinuousClock()
        let started = clock.now
        do {
            try directory.save(snapshot)
        } catch {
            await keeper.markDirty()
            log.event("could not save state: \(error)")
        }
        return clock.now - started
    }
}
