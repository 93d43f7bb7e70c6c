import Foundation
import HTTPEngine
import IngestCore
import Logging
import Pipeline
import S3

/// The services of one command, built once from its configuration and options, each on first use: the HTTP
/// client (libcurl engine), the one retry executor (policy from `Configuration.retryPolicy`, one budget shared
/// by S3 and Skylark), the AWS credentials (resolved once, their source told once), the S3 client and uploader,
/// the Skylark service behind the API limiter, and the checkpoint (`IngestSession+Checkpoint.swift`).
///
/// Nothing is built before it is asked for: `status` over a local checkpoint never loads credentials, `upload`
/// never signs in to Skylark. A failure to build is thrown to the caller each time it asks.
public actor IngestSession {
    /// What the command's flags decide about the services.
    public struct Options: Sendable {
        /// `--ca-bundle` (else `AWS_CA_BUNDLE`): extra CA certificates added to the system store.
        public var caBundle: String?
        /// Connections kept open per host (one per API call and per upload part in flight).
        public var maxHostConnections = 32
        /// Connections open in total.
        public var maxTotalConnections = 64
        /// Idle easy handles kept for reuse.
        public var handlePoolSize = 32
        /// Bounds the Skylark API calls (not sign-in, not S3); nil = no limiter.
        public var apiLimiter: APICallLimiter?
        /// How files are uploaded.
        public var uploads = Uploads()

        public init() {}
    }

    /// The uploader's settings: `--part-size`, `--max-bandwidth` and, for `upload`, its budgets.
    public struct Uploads: Sendable {
        /// Threshold and part size.
        public var planner = PartPlanner()
        /// Parts in flight per file.
        public var partConcurrency = 4
        /// Bytes of parts in flight across all files.
        public var budget = ByteBudget()
        /// One limit (or timetable) for every upload request together; nil = none.
        public var bandwidth: BandwidthSchedule?

        public init() {}
    }

    /// Where the command's log lines go (retries and backoffs at info, HTTP exchanges at debug); nil = none.
    public nonisolated let logger: Logger?
    /// The command's options.
    public nonisolated let options: Options
    /// Prints one line on stderr (the credential source, the checkpoint's notices and warnings).
    nonisolated let notice: @Sendable (String) -> Void

    private let loadConfiguration: @Sendable () throws -> Configuration
    private var loaded: Result<Configuration, any Error>?
    private var httpClient: CurlHTTPClient?
    private var executor: RetryExecutor?
    private var credentialResolution: Task<RefreshingCredentialProvider, any Error>?
    var s3: S3Client?
    var multipartUploader: MultipartUploader?
    var skylarkService: (any SkylarkService)?

    /// How many times the AWS credential chain was resolved (at most once).
    public private(set) var credentialResolutions = 0

    /// A session whose configuration is loaded on first use from the environment and `configFile` (`--config`).
    public init(configFile: String?, options: Options = Options(), logger: Logger? = nil,
                notice: @escaping @Sendable (String) -> Void = IngestSession.standardError) {
        self.init(loading: { try Configuration.load(configFile: configFile) }, options: options, logger: logger, notice: notice)
    }

    /// A session over `configuration` as it is.
    public init(configuration: Configuration, options: Options = Options(), logger: Logger? = nil,
                notice: @escaping @Sendable (String) -> Void = IngestSession.standardError) {
        self.init(loading: { configuration }, options: options, logger: logger, notice: notice)
    }

    private init(loading: @escaping @Sendable () throws -> Configuration, options: Options, logger: Logger?,
                 notice: @escaping @Sendable (String) -> Void) {
        self.loadConfiguration = loading
        self.options = options
        self.logger = logger
        self.notice = notice
    }

    /// Writes `line` to stderr (the default `notice`).
    public static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// The configuration, loaded once (`CONFIG_*`, `S3_ENDPOINT_*` errors every time it is asked for).
    public func configuration() throws -> Configuration {
        if loaded == nil { loaded = Result { try loadConfiguration() } }
        return try loaded!.get()
    }

    /// The one HTTP client of the command, sized by the options, with the CA bundle.
    public func http() throws -> CurlHTTPClient {
        if let httpClient { return httpClient }
        let environment = try configuration().environment
        var httpConfiguration = CurlHTTPClient.Configuration()
        httpConfiguration.logger = logger
        httpConfiguration.caBundle = try AWSSetup.caBundle(flag: options.caBundle, environment: environment)
        httpConfiguration.maxHostConnections = options.maxHostConnections
        httpConfiguration.maxTotalConnections = options.maxTotalConnections
        httpConfiguration.handlePoolSize = options.handlePoolSize
        let client = CurlHTTPClient(configuration: httpConfiguration)
        httpClient = client
        return client
    }

    /// The one retry executor (policy, jittered backoff, budget): the HTTP layer of S3 and Skylark repeats
    /// what is safe with it, and the stages' reconcile-then-write waits through it (`retrier()`); it logs every
    /// retry and backoff through `logger` (at info).
    public func retry() throws -> RetryExecutor {
        if let executor { return executor }
        let made = RetryExecutor(policy: try configuration().retryPolicy, budget: RetryBudget(), logger: logger)
        executor = made
        return made
    }

    /// The stages' retrier over `retry()`.
    public func retrier() throws -> Retrier { Retrier(executor: try retry()) }

    /// The AWS credentials of the default chain behind their refreshing cache, resolved once for the watchfolder
    /// and an `s3://` checkpoint together; the source is told to `notice` once (`AWS_NO_CREDENTIALS`, exit 3).
    public func credentials() async throws -> RefreshingCredentialProvider {
        if let credentialResolution { return try await credentialResolution.value }
        let environment = try configuration().environment
        let http = try http()
        let notice = notice
        credentialResolutions += 1
        let resolution = Task { try await AWSSetup.credentials(environment: environment, http: http, notice: notice) }
        credentialResolution = resolution
        return try await resolution.value
    }

    /// The S3 client on the watchfolder's region and endpoint, shared by the watchfolder and an `s3://` checkpoint.
    public func s3Client() async throws -> S3Client {
        if let s3 { return s3 }
        let credentials = try await credentials()
        if let s3 { return s3 }
        let client = S3Client(http: try http(), configuration: try .resolve(environment: try configuration().environment),
                              credentials: credentials, retry: try retry())
        s3 = client
        return client
    }
}
