import Hummingbird

/// The request context: Hummingbird's core storage plus a way to drop the connection (fault injection).
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Closes the underlying connection without an answer.
    let dropConnection: @Sendable () -> Void

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        let channel = source.channel
        dropConnection = { channel.close(promise: nil) }
    }

    /// Uploads are subtitle files; 64 MiB is plenty.
    var maxUploadSize: Int { 64 << 20 }
}

/// Thrown after a connection was dropped on purpose, so no answer is written.
struct ConnectionDropped: Error {}
