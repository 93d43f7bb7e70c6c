import Foundation
import IngestCore

/// Everything `skylark-sandbox` can be told on its command line.
public struct SandboxConfiguration: Sendable {
    /// Loopback address to bind (only 127.0.0.1 / ::1 / localhost are accepted).
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (read it back from `SkylarkSandbox.port`).
    public var port: Int = 0
    /// Where `state.json`, the signing key and uploaded media live; nil keeps everything in memory.
    public var stateDirectory: String?
    /// Cognito users.
    public var users: [SandboxUser] = []
    /// ID/access token lifetime in seconds.
    public var tokenLifetime: Int = 3600
    public var poolID: String = "eu-west-1_Sandbox01"
    /// When set, Cognito calls must name this client id.
    public var clientID: String?
    /// When set, Cognito calls must carry a matching SECRET_HASH.
    public var clientSecret: Secret?
    public var region: String = "eu-west-1"
    /// One OVP per provider is attached to each processed asset.
    public var ingestProviders: [String] = ["sandbox-ovp"]
    public var faults = FaultConfiguration()
    public var seed: UInt64 = 1
    /// The watchfolder to poll, if any.
    public var watchfolder: WatchfolderConfiguration?
    /// Whether to log one line per request to stderr.
    public var logRequests = true
    /// Interval between state saves when something changed (and a final save when the sandbox stops). Each save
    /// encodes the whole state and makes the next mutation copy the arrays it shares with the snapshot: at 100 ms
    /// that was a fifth of the sandbox's CPU under a fast client.
    public var saveInterval: Duration = .seconds(1)
    /// What the AWS credential endpoints (IMDS, container, STS) hand out; none by default.
    public var credentials = CredentialIssuerConfiguration()

    public init() {}
}

/// The S3 bucket the watchfolder processor polls.
public struct WatchfolderConfiguration: Sendable {
    public var bucket: String
    /// S3 endpoint, e.g. `http://127.0.0.1:8333` (path-style addressing).
    public var endpoint: String
    public var region: String
    public var accessKeyID: String
    public var secretAccessKey: Secret
    public var interval: Duration

    public init(bucket: String, endpoint: String, region: String, accessKeyID: String, secretAccessKey: Secret,
                interval: Duration = .milliseconds(500)) {
        self.bucket = bucket
        self.endpoint = endpoint
        self.region = region
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.interval = interval
    }
}
