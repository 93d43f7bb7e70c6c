import CryptoPrimitives
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// A local Skylark: the API of the contract, a Cognito SRP endpoint, a watchfolder processor, fault injection.
///
/// In-process use (tests):
/// ```swift
/// let sandbox = try SkylarkSandbox(configuration: configuration)
/// let port = try await sandbox.start()      // listening on 127.0.0.1:port
/// defer { Task { await sandbox.stop() } }   // or `await sandbox.stop()` at the end
/// ```
/// As a process (`skylark-sandbox`): `try await sandbox.run()` serves until SIGTERM or SIGINT, then stops
/// gracefully (in-flight requests answered, state saved).
public actor SkylarkSandbox {
    /// The configuration it was created with (`port` may be 0: see `port`).
    public let configuration: SandboxConfiguration
    private let core: SandboxCore
    private var group: ServiceGroup?
    private var runTask: Task<Void, any Error>?
    private var boundPort: Int?

    /// Loads the state directory (state, signing key) and prepares the services; does not listen yet.
    public init(configuration: SandboxConfiguration) throws {
        guard ["127.0.0.1", "localhost", "::1"].contains(configuration.host) else {
            throw SandboxStartError(message: "skylark-sandbox binds loopback only (127.0.0.1), not \(configuration.host)")
        }
        self.configuration = configuration
        let directory = try configuration.stateDirectory.map(StateDirectory.init(path:))
        let state = try directory?.loadState() ?? .seeded()
        let key = try directory?.signingKey() ?? SecureRandom.bytes(32)
        let signer = TokenSigner(key: key)
        let settings = CognitoSettings(poolID: configuration.poolID, clientID: configuration.clientID,
                                       clientSecret: configuration.clientSecret,
                                       tokenLifetime: configuration.tokenLifetime, region: configuration.region)
        if let problem = configuration.faults.validationError { throw SandboxStartError(message: problem) }
        core = SandboxCore(configuration: configuration, keeper: StoreKeeper(store: SandboxStore(state: state)),
                           cognito: CognitoService(settings: settings, users: configuration.users, signer: signer),
                           faults: FaultInjector(configuration: configuration.faults, seed: configuration.seed),
                           signer: signer, stateDirectory: directory)
    }

    /// The port it listens on, once started.
    public var port: Int? { boundPort }

    /// `http://127.0.0.1:PORT`, once started.
    public var baseURL: String? { boundPort.map { "http://127.0.0.1:\($0)" } }

    /// Starts serving in the background and returns the bound port once it listens.
    public func start() async throws -> Int {
        if let boundPort { return boundPort }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let group = makeGroup(handleSignals: false) { continuation.yield($0); continuation.finish() }
        self.group = group
        runTask = Task { try await group.run() }
        var port: Int?
        for await value in stream {
            port = value
            break
        }
        guard let port else { throw SandboxStartError(message: "the server did not start") }
        boundPort = port
        return port
    }

    /// Stops the server gracefully and saves the state.
    public func stop() async {
        await group?.triggerGracefulShutdown()
        _ = try? await runTask?.value
        group = nil
        runTask = nil
        boundPort = nil
    }

    /// Serves until SIGTERM or SIGINT; `onReady` gets the port once listening.
    public func run(onReady: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let group = makeGroup(handleSignals: true) { onReady($0) }
        self.group = group
        try await group.run()
    }

    /// An ID token for a configured user (tests that use a static bearer token).
    public func idToken(for username: String, lifetime: Int? = nil) async -> String? {
        await core.cognito.mintIDToken(username: username, lifetime: lifetime, now: Date())
    }

    /// The current state (for tests).
    public func state() async -> SandboxState { await core.keeper.store.state }

    private func makeGroup(handleSignals: Bool, onListening: @escaping @Sendable (Int) -> Void) -> ServiceGroup {
        var logger = Logger(label: "skylark-sandbox")
        logger.logLevel = .warning
        let core = self.core
        let app = Application(
            responder: SandboxResponder(core: core),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                 serverName: "skylark-sandbox"),
            onServerRunning: { channel in
                onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger)
        var services: [any Service] = []
        if let directory = core.stateDirectory {
            services.append(StateSaver(keeper: core.keeper, directory: directory,
                                       interval: configuration.saveInterval, log: core.log))
        }
        if let watch = configuration.watchfolder {
            services.append(WatchfolderService(core: core, configuration: watch))
        }
        services.append(app)
        let configuration: ServiceGroupConfiguration = handleSignals
            ? .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            : .init(services: services, logger: logger)
        return ServiceGroup(configuration: configuration)
    }
}

/// The sandbox could not start (bad flag value, non-loopback host, unreadable state).
public struct SandboxStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
