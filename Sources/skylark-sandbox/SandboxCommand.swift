import ArgumentParser
import Foundation
import IngestCore
import SkylarkSandbox

/// `skylark-sandbox`: a local Skylark (API, Cognito SRP, watchfolder processor, fault injection) on loopback.
@main
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skylark-sandbox",
        abstract: "A local Skylark: API, Cognito SRP endpoint, watchfolder processor and fault injection.",
        discussion: "Binds 127.0.0.1 only. Prints 'ready on http://127.0.0.1:PORT' when listening; SIGTERM stops it "
            + "gracefully with its state saved. See docs/sandbox.md.")

    @Option(help: "Port to listen on (0: any free port).") var port: Int = 0
    @Option(help: "Address to bind (loopback only).") var host: String = "127.0.0.1"
    @Option(name: .customLong("state-dir"), help: "Directory for state.json, the signing key and uploads.")
    var stateDir: String
    @Option(name: .customLong("users"), help: "File of NAME:PASSWORD lines (# comments).") var usersFile: [String] = []
    @Option(name: .customLong("user"), help: "A user as NAME:PASSWORD (repeatable).") var user: [String] = []
    @Option(name: .customLong("token-lifetime"), help: "ID/access token lifetime in seconds.") var tokenLifetime: Int = 3600
    @Option(name: .customLong("pool-id"), help: "Cognito user pool id.") var poolID: String = "eu-west-1_Sandbox01"
    @Option(name: .customLong("client-id"), help: "Cognito app client id (any is accepted when unset).") var clientID: String?
    @Option(name: .customLong("client-secret"), help: "Cognito app client secret (SECRET_HASH is then required).")
    var clientSecret: String?
    @Option(help: "Region in token issuers.") var region: String = "eu-west-1"
    @Option(name: .customLong("ingest-providers"), help: "Comma list of OVP providers added per processed video.")
    var ingestProviders: String = "sandbox-ovp"
    @Option(name: .customLong("latency-ms"), help: "Latency added to every API call.") var latencyMs: Int = 0
    @Option(help: "Seed of the fault generator.") var seed: UInt64 = 1
    @Option(name: .customLong("p-500"), help: "P(500 without doing anything).") var p500: Double = 0
    @Option(name: .customLong("p-503"), help: "P(503 with Retry-After: 1).") var p503: Double = 0
    @Option(name: .customLong("p-429"), help: "P(429 with Retry-After: 1).") var p429: Double = 0
    @Option(name: .customLong("p-commit-then-500"), help: "P(do the request, then answer 500).") var pCommitThen500: Double = 0
    @Option(name: .customLong("p-drop"), help: "P(close the connection without an answer).") var pDrop: Double = 0
    @Option(name: .customLong("p-commit-then-drop"), help: "P(do the request, then close the connection without an answer).")
    var pCommitThenDrop: Double = 0
    @Option(name: .customLong("p-latency"), help: "P(a latency spike).") var pLatency: Double = 0
    @Option(name: .customLong("latency-spike-ms"), help: "Length of a latency spike.") var latencySpikeMs: Int = 1000
    @Flag(name: .customLong("faults-on-cognito"), help: "Apply the faults to /cognito/ too.") var faultsOnCognito = false
    @Option(name: .customLong("fault-methods"), help: "Comma list of methods the faults hit, e.g. POST,PUT (default: all).")
    var faultMethods: String = ""
    @Option(name: .customLong("watch-bucket"), help: "Watchfolder bucket to poll (needs --s3-endpoint, AWS_* credentials).")
    var watchBucket: String?
    @Option(name: .customLong("s3-endpoint"), help: "S3 endpoint of the watchfolder bucket.") var s3Endpoint: String?
    @Option(name: [.customLong("watch-interval-ms"), .customLong("watchfolder-interval-ms")],
            help: "Watchfolder poll interval in milliseconds (one ListObjectsV2 per poll; 50 is fine).")
    var watchIntervalMs: Int = 500
    @Flag(name: .customLong("quiet"), help: "Do not log one line per request.") var quiet = false
    @Option(name: .customLong("credential-identity"),
            help: "ACCESS_KEY:SECRET the AWS credential endpoints (IMDS, container, STS) hand out in turn (repeatable).")
    var credentialIdentity: [String] = []
    @Option(name: .customLong("credential-lifetime-s"), help: "Lifetime in seconds of each credential handed out.")
    var credentialLifetimeS: Double = 3600
    @Option(name: .customLong("container-token"), help: "The Authorization value the container endpoint requires.")
    var containerToken: String = "sandbox-container-token"

    func run() async throws {
        var configuration = SandboxConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.stateDirectory = stateDir
        configuration.users = try loadUsers()
        configuration.tokenLifetime = tokenLifetime
        configuration.poolID = poolID
        configuration.clientID = clientID
        configuration.clientSecret = clientSecret.map(Secret.init)
        configuration.region = region
        configuration.ingestProviders = ingestProviders.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        configuration.seed = seed
        configuration.faults.latencyMs = latencyMs
        configuration.faults.p500 = p500
        configuration.faults.p503 = p503
        configuration.faults.p429 = p429
        configuration.faults.pCommitThen500 = pCommitThen500
        configuration.faults.pDrop = pDrop
        configuration.faults.pCommitThenDrop = pCommitThenDrop
        configuration.faults.pLatency = pLatency
        configuration.faults.latencySpikeMs = latencySpikeMs
        configuration.faults.faultsOnCognito = faultsOnCognito
        configuration.faults.faultMethods = faultMethods.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).uppercased()
        }.filter { !$0.isEmpty }
        configuration.logRequests = !quiet
        if let problem = configuration.faults.validationError { throw ValidationError(problem) }
        guard watchIntervalMs >= 1 else { throw ValidationError("--watch-interval-ms must be at least 1") }
        guard credentialLifetimeS > 0 else { throw ValidationError("--credential-lifetime-s must be positive") }
        configuration.credentials = CredentialIssuerConfiguration(
            identities: try credentialIdentity.map { text in
                let pieces = text.split(separator: ":", maxSplits: 1)
                guard pieces.count == 2 else { throw ValidationError("--credential-identity expects ACCESS_KEY:SECRET") }
                return (String(pieces[0]), Secret(String(pieces[1])))
            },
            lifetime: .milliseconds(Int64(credentialLifetimeS * 1000)), containerToken: containerToken)
        if let watchBucket {
            let env = ProcessInfo.processInfo.environment
            guard let endpoint = s3Endpoint ?? env["AWS_ENDPOINT_URL_S3"] ?? env["AWS_ENDPOINT_URL"] else {
                throw ValidationError("--watch-bucket needs --s3-endpoint (or AWS_ENDPOINT_URL_S3)")
            }
            guard let key = env["AWS_ACCESS_KEY_ID"], let secret = env["AWS_SECRET_ACCESS_KEY"] else {
                throw ValidationError("--watch-bucket needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
            }
            configuration.watchfolder = WatchfolderConfiguration(
                bucket: watchBucket, endpoint: endpoint, region: env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? "us-east-1",
                accessKeyID: key, secretAccessKey: Secret(secret), interval: .milliseconds(watchIntervalMs))
        }
        let sandbox = try SkylarkSandbox(configuration: configuration)
        try await sandbox.run { port in
            FileHandle.standardOutput.write(Data("ready on http://127.0.0.1:\(port)\n".utf8))
        }
    }

    private func loadUsers() throws -> [SandboxUser] {
        var users: [SandboxUser] = []
        for path in usersFile {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                guard let user = SandboxUser(parsing: trimmed) else {
                    throw ValidationError("\(path):\(n + 1): expected NAME:PASSWORD")
                }
                users.append(user)
            }
        }
        for text in user {
            guard let parsed = SandboxUser(parsing: text) else { throw ValidationError("--user expects NAME:PASSWORD") }
            users.append(parsed)
        }
        return users
    }
}
