import ServiceLifecycle

/// Polls the watchfolder bucket (placeholder until the project's S3 client lands).
struct WatchfolderService: Service {
    let core: SandboxCore
    let configuration: WatchfolderConfiguration

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: configuration.interval)
        }
    }
}
