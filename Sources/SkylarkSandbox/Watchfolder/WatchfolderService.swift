import ServiceLifecycle

/// Runs the watchfolder processor every `interval` until the sandbox stops.
struct WatchfolderService: Service {
    let processor: WatchfolderProcessor
    let interval: Duration

    init(core: SandboxCore, configuration: WatchfolderConfiguration) {
        processor = WatchfolderProcessor(bucket: S3WatchfolderBucket(configuration: configuration), keeper: core.keeper,
                                         providers: core.configuration.ingestProviders, log: core.log)
        interval = configuration.interval
    }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await processor.pollOnce()
            } catch {
                processor.log.event("watchfolder: listing failed: \(error) (will retry)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}
