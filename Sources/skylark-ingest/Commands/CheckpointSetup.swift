import Foundation
import HTTPEngine
import IngestCore
import Logging
import Pipeline
import S3

/// Opening a run's checkpoint, a local file or `s3://BUCKET/PREFIX/` (docs/checkpoint-s3.md), and reading
/// every shard's journal under an S3 prefix for `status` and `report`.
enum CheckpointSetup {
    /// An opened checkpoint: where records go and what was replayed.
    struct Opened {
        var journal: any JournalSink
        var state: JournalState
        var warnings: [String]
    }

    /// The lease TTL of an S3 checkpoint: `SKYLARK_CHECKPOINT_LEASE_SECONDS` (tests), else 30 s.
    static func leaseTTL(_ environment: [String: String]) -> Duration {
        if let text = environment["SKYLARK_CHECKPOINT_LEASE_SECONDS"], let seconds = Double(text), seconds > 0 {
            return .milliseconds(Int64(seconds * 1000))
        }
        return .seconds(30)
    }

    /// Opens `location` for appending. A file is locked; an S3 prefix is leased and fenced, and `onFenced`
    /// runs when another task takes the shard over (stop every effect at once).
    static func open(location: String, header: JournalHeader, shard: Shard?, configuration: Configuration,
                     caBundle: String?, logger: Logger, onFenced: @escaping @Sendable (IngestError) -> Void) async throws -> Opened {
        guard S3JournalLayout.isS3(location) else {
            let opened = try JournalFile.open(path: location, header: header)
            let recorded = opened.state.header?.shard
            if recorded != shard?.description {
                opened.journal.abandon()
                throw IngestError(
                    code: .usageShardMismatch,
                    message: "\(location) belongs to \(recorded.map { "shard " + $0 } ?? "a run of the whole manifest"), "
                        + "not \(shard.map { "shard \($0)" } ?? "the whole manifest")",
                    hint: "run with the shard the checkpoint was made with (the shard count is fixed for a checkpoint), "
                        + "or give this run its own --checkpoint")
            }
            return Opened(journal: opened.journal, state: opened.state, warnings: opened.warnings)
        }
        let (bucket, prefix) = try S3JournalLayout.parse(location)
        let store = try await objectStore(bucket: bucket, configuration: configuration, caBundle: caBundle, logger: logger)
        var options = S3Journal.Options()
        options.leaseTTL = leaseTTL(configuration.environment)
        options.onFenced = onFenced
        options.notice = { Console.printError("checkpoint: \($0)") }
        let opened = try await S3Journal.open(store: store, layout: S3JournalLayout(bucket: bucket, prefix: prefix, shard: shard),
                                              header: header, options: options)
        return Opened(journal: opened.journal, state: opened.state, warnings: opened.warnings)
    }

    /// Every shard's journal under `s3://BUCKET/PREFIX/`, with the watchfolder's credentials and endpoint
    /// (for `status` and `report`; the lead wires it in).
    static func shardSource(url: String, configuration: Configuration, caBundle: String? = nil,
                            logger: Logger? = nil) async throws -> S3ShardJournalSource {
        let (bucket, prefix) = try S3JournalLayout.parse(url)
        let store = try await objectStore(bucket: bucket, configuration: configuration, caBundle: caBundle, logger: logger)
        return S3ShardJournalSource(store: store, bucket: bucket, prefix: prefix)
    }

    /// An S3 client on the watchfolder's credentials, region and endpoint, for the checkpoint's bucket
    /// (checked with HeadBucket: a missing bucket or refused credentials end the run before any work).
    static func objectStore(bucket: String, configuration: Configuration, caBundle: String?,
                            logger: Logger?) async throws -> S3JournalObjectStore {
        let environment = configuration.environment
        var httpConfiguration = CurlHTTPClient.Configuration()
        httpConfiguration.logger = logger
        httpConfiguration.caBundle = try AWSSetup.caBundle(flag: caBundle, environment: environment)
        let http = CurlHTTPClient(configuration: httpConfiguration)
        let credentials = try await AWSSetup.credentials(environment: environment, http: http)
        let client = S3Client(http: http, configuration: try .resolve(environment: environment), credentials: credentials,
                              retry: RetryExecutor(policy: .uploads, budget: RetryBudget(), logger: logger))
        try await client.headBucket(bucket)
        return S3JournalObjectStore(client: client, bucket: bucket)
    }
}

/// Runs the fence action once, whether the fence comes before or after the action is set.
final class FenceRelay: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var action: (@Sendable () -> Void)?

    /// Called by the journal when it is fenced.
    func fire() {
        lock.lock()
        fired = true
        let run = action
        action = nil
        lock.unlock()
        run?()
    }

    /// Sets what to do on a fence (at once when it already happened).
    func onFence(_ body: @escaping @Sendable () -> Void) {
        lock.lock()
        if fired {
            lock.unlock()
            body()
            return
        }
        action = body
        lock.unlock()
    }
}
