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
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            await saveIfDirty()
        }
        await saveIfDirty()
    }

    /// Writes the state if it changed since the last save.
    func saveIfDirty() async {
        guard let snapshot = await keeper.takeDirtySnapshot() else { return }
        do {
            try directory.save(snapshot)
        } catch {
            await keeper.markDirty()
            log.event("could not save state: \(error)")
        }
    }
}
