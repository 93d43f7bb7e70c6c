import HTTPEngine
import IngestCore
import S3

/// The watchfolder bucket through the project's own S3 client (SigV4, path-style, libcurl engine).
struct S3WatchfolderBucket: WatchfolderBucket {
    let client: S3Client
    let bucket: String

    /// A client for `configuration`'s endpoint, region and static credentials.
    init(configuration: WatchfolderConfiguration) {
        let credentials = AWSCredentials(accessKeyId: configuration.accessKeyID,
                                         secretAccessKey: configuration.secretAccessKey)
        client = S3Client(http: CurlHTTPClient(),
                          configuration: S3Configuration(region: configuration.region, endpoint: configuration.endpoint,
                                                         pathStyle: true),
                          credentials: StaticCredentialProvider(credentials))
        bucket = configuration.bucket
    }

    func listObjects() async throws -> [WatchfolderObject] {
        try await client.listAllObjects(bucket: bucket).map { WatchfolderObject(key: $0.key, etag: $0.etag, size: $0.size) }
    }

    func headObject(key: String) async throws -> WatchfolderObjectInfo? {
        try await client.headObject(bucket: bucket, key: key).map {
            WatchfolderObjectInfo(etag: $0.etag, size: $0.size, metadata: $0.metadata)
        }
    }

    func copyObject(key: String, to destination: String) async throws {
        _ = try await client.copyObject(sourceBucket: bucket, sourceKey: key, bucket: bucket, key: destination)
    }

    func deleteObject(key: String) async throws {
        try await client.deleteObject(bucket: bucket, key: key)
    }
}
