import HTTPEngine
import IngestCore
import Pipeline
import S3
import Skylark

extension IngestSession {
    /// The Skylark API and the watchfolder as a run's stages call them.
    public struct Services: Sendable {
        /// `UnconfiguredSkylark` when the stages never call the API.
        public var skylark: any SkylarkService
        /// `OfflineObjectStore` when the stages never upload.
        public var store: any ObjectStore
        /// The stages' retrier over the session's one executor.
        public var retry: Retrier
    }

    /// The services `stages` need, with authentication and connectivity checked before any work: Skylark
    /// for assets, documents and confirm; the watchfolder for transfer and confirm.
    public func services(for stages: Set<Stage>) async throws -> Services {
        let configuration = try configuration()
        let retry = try retrier()
        _ = try http()  // a bad CA bundle ends the command first, whatever the stages
        var skylark: any SkylarkService = UnconfiguredSkylark()
        var store: any ObjectStore = OfflineObjectStore(bucket: configuration.bucket ?? "")
        if !stages.isDisjoint(with: [.assets, .documents, .confirm]) { skylark = try await self.skylark() }
        if !stages.isDisjoint(with: [.transfer, .confirm]) { store = try await watchfolder() }
        return Services(skylark: skylark, store: store, retry: retry)
    }

    /// The Skylark API behind the API limiter, signed in and checked with one read before any work.
    public func skylark() async throws -> any SkylarkService {
        if let skylarkService { return skylarkService }
        let http = try http()
        let client = try SkylarkClient(environment: try configuration().environment, httpClient: http,
                                       apiHTTPClient: options.apiLimiter.map { LimitedHTTPClient(base: http, limiter: $0) },
                                       retry: try retry())
        // Authentication and connectivity, before any work.
        _ = try await client.documentTypes(named: "Text track")
        let service = SkylarkAPIService(client: client)
        skylarkService = service
        return service
    }

    /// The watchfolder bucket (`S3_NOT_CONFIGURED` when `SKYLARK_WATCHFOLDER_BUCKET` is not set).
    public func watchfolderBucket() throws -> String {
        guard let bucket = try configuration().bucket else {
            throw IngestError(code: .s3NotConfigured, message: "SKYLARK_WATCHFOLDER_BUCKET is not set",
                              hint: "set it to the watchfolder bucket's name")
        }
        return bucket
    }

    /// The watchfolder as the stages' object store, its bucket checked with HeadBucket.
    public func watchfolder() async throws -> any ObjectStore {
        let bucket = try watchfolderBucket()
        let client = try await s3Client()
        try await client.headBucket(bucket)
        return WatchfolderStore(bucket: bucket, client: client, uploader: try await uploader())
    }

    /// The one uploader: every upload request of the command shares its byte budget and its send-rate
    /// limiter, which follows a `--max-bandwidth` timetable for the rest of the process.
    public func uploader() async throws -> MultipartUploader {
        if let multipartUploader { return multipartUploader }
        let client = try await s3Client()
        if let multipartUploader { return multipartUploader }
        let uploads = options.uploads
        let limiter = uploads.bandwidth?.makeLimiter()
        if let limiter, let schedule = uploads.bandwidth { BandwidthFollower.start(schedule, limiter, logger: logger) }
        let made = MultipartUploader(client: client, planner: uploads.planner, partConcurrency: uploads.partConcurrency,
                                     budget: uploads.budget, bandwidth: limiter)
        multipartUploader = made
        return made
    }
}
