import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing
@testable import S3

/// Every kernel this machine runs, each forced (`.auto` too): all are proved here, whatever CI picks.
private let kernels = MD5LaneScheduler.Kernel.allCases.filter(\.isSupported)

/// Deterministic bytes (SplitMix64).
private func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var generator = SplitMix64(seed: seed)
    return generator.bytes(count)
}

@Suite struct MD5LanesTests {
    static let boundaryLengths = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 65_536, 262_143, 262_144,
                                  262_145, 3 * 1024 * 1024 + 17]

    @Test func thisX86MachineRunsTheAVX2AndAVX512Kernels() {
        #if arch(x86_64)
        // The kernels are forced below only where the CPU has them; on the x86-64 CI and here, both are there.
        if ProcessInfo.processInfo.environment["SKYLARK_MD5_LANES_ANY_CPU"] == nil {
            #expect(MD5LaneScheduler.Kernel.avx2.isSupported)
            #expect(MD5LaneScheduler.Kernel.avx512.isSupported)
        }
        #endif
        #expect(MD5LaneScheduler.Kernel.scalar.isSupported)
    }

    @Test(arguments: kernels)
    func oneStreamOfEachBoundaryLengthEqualsOpenSSLsMD5(_ kernel: MD5LaneScheduler.Kernel) {
        let scheduler = MD5LaneScheduler(kernel: kernel)
        for (index, length) in Self.boundaryLengths.enumerated() {
            let bytes = randomBytes(length, seed: UInt64(index))
            let lane = scheduler.acquire()
            bytes.withUnsafeBytes { scheduler.append(lane, $0) }
            #expect(scheduler.finish(lane) == Digest.md5(bytes), "length \(length)")
        }
        #expect(scheduler.usage.held == 0)
    }

    @Test(arguments: kernels)
    func sixteenStreamsOfBoundaryLengthsSideBySideEachEqualOpenSSLsMD5(_ kernel: MD5LaneScheduler.Kernel) {
        let scheduler = MD5LaneScheduler(kernel: kernel)
        let bodies = Self.boundaryLengths.prefix(16).enumerated().map { randomBytes($1, seed: 100 + UInt64($0)) }
        let lanes = bodies.map { _ in scheduler.acquire() }
        // In turn, 100 bytes at a time: every lane holds blocks together, so the kernel runs them side by side.
        var offset = 0
        while bodies.contains(where: { $0.count > offset }) {
            for (lane, body) in zip(lanes, bodies) where body.count > offset {
                body[offset..<min(body.count, offset + 100)].withUnsafeBytes { scheduler.append(lane, $0) }
            }
            offset += 100
        }
        for (lane, body) in zip(lanes, bodies) {
            #expect(scheduler.finish(lane) == Digest.md5(body), "length \(body.count)")
        }
    }

    @Test(arguments: kernels)
    func randomlyInterleavedStreamsJoiningAndLeavingEachGetTheirOwnMD5(_ kernel: MD5LaneScheduler.Kernel) {
        let scheduler = MD5LaneScheduler(kernel: kernel)
        var generator = SplitMix64(seed: 0xC0FFEE)
        struct Stream { var lane: MD5LaneScheduler.Lane; var body: [UInt8]; var sent = 0 }
        var live: [Stream] = []
        var finished = 0
        var seed: UInt64 = 1
        while finished < 60 {
            // Join up to 16 at random; each body up to ~1.5 MiB.
            if live.count < 16 && (live.isEmpty || generator.next() % 3 == 0) {
                seed += 1
                let length = Int(generator.next() % 3 == 0 ? generator.next() % 200 : generator.next() % 1_500_000)
                live.append(Stream(lane: scheduler.acquire(), body: randomBytes(length, seed: seed)))
            }
            let pick = Int(generator.next() % UInt64(live.count))
            let size = Int(generator.next() % 4 == 0 ? generator.next() % 64 : generator.next() % 300_000)
            let end = min(live[pick].body.count, live[pick].sent + size)
            live[pick].body[live[pick].sent..<end].withUnsafeBytes { scheduler.append(live[pick].lane, $0) }
            live[pick].sent = end
            if end == live[pick].body.count {
                let stream = live.remove(at: pick)
                #expect(scheduler.finish(stream.lane) == Digest.md5(stream.body), "length \(stream.body.count)")
                finished += 1
            }
        }
        for stream in live {
            #expect(scheduler.finish(stream.lane) == Digest.md5(stream.body[..<stream.sent]))
        }
        #expect(scheduler.usage.held == 0)
        #expect(scheduler.usage.buffers <= 16)
    }

    @Test(arguments: kernels)
    func aLaneResetMidStreamHashesOnlyWhatCameAfterWhileItsNeighboursKeepTheirs(_ kernel: MD5LaneScheduler.Kernel) {
        let scheduler = MD5LaneScheduler(kernel: kernel)
        let first = randomBytes(700_001, seed: 7), second = randomBytes(500_003, seed: 8), other = randomBytes(900_000, seed: 9)
        let lane = scheduler.acquire(), neighbour = scheduler.acquire()
        for start in stride(from: 0, to: 600_000, by: 131_072) {
            first[start..<min(600_000, start + 131_072)].withUnsafeBytes { scheduler.append(lane, $0) }
            other[start..<start + 131_072].withUnsafeBytes { scheduler.append(neighbour, $0) }
        }
        scheduler.reset(lane)
        for start in stride(from: 0, to: second.count, by: 65_521) {
            second[start..<min(second.count, start + 65_521)].withUnsafeBytes { scheduler.append(lane, $0) }
        }
        other[655_360...].withUnsafeBytes { scheduler.append(neighbour, $0) }
        #expect(scheduler.finish(lane) == Digest.md5(second))
        #expect(scheduler.finish(neighbour) == Digest.md5(other))
    }

    @Test(arguments: kernels)
    func bodyHashersSharingLanesRestartExactlyAndGiveTheMultipartETagVectors(_ kernel: MD5LaneScheduler.Kernel) throws {
        let scheduler = MD5LaneScheduler(kernel: kernel)
        for vector in ETagVectorTests.cases {
            guard let partSize = vector.part_size else { continue }
            let bytes = vector.bytes
            let ranges = PartPlanner.parts(fileSize: vector.size, partSize: partSize)
            let hashers = ranges.map { _ in BodyHasher(trailingChecksum: .crc32c, lanes: scheduler) }
            // Every part's first attempt dies after its first 3 KiB; then all parts go again, interleaved.
            for (hasher, range) in zip(hashers, ranges) {
                hasher.restart()
                bytes[Int(range.offset)..<Int(range.offset + min(range.length, 3072))].withUnsafeBytes { hasher.observe($0) }
            }
            for hasher in hashers { hasher.restart() }
            var offset: Int64 = 0
            while ranges.contains(where: { $0.length > offset }) {
                for (hasher, range) in zip(hashers, ranges) where range.length > offset {
                    let end = min(range.length, offset + 40_000)
                    bytes[Int(range.offset + offset)..<Int(range.offset + end)].withUnsafeBytes { hasher.observe($0) }
                }
                offset += 40_000
            }
            let md5s = hashers.map { $0.finishMD5() }
            let expected = try #require(vector.parts).map(\.md5_hex)
            #expect(md5s.map(Hex.encode) == expected, "\(vector.name)")
            #expect(MultipartETag.multipart(partMD5s: md5s) == vector.etag, "\(vector.name)")
        }
        #expect(scheduler.usage.held == 0)
    }

    @Test func aBodyHasherWithLanesHashesNothingAsTheEmptyMD5AndFreesItsLaneWhenDropped() {
        let scheduler = MD5LaneScheduler()
        #expect(BodyHasher(lanes: scheduler).finishMD5() == Digest.md5([UInt8]()))
        do {
            let abandoned = BodyHasher(lanes: scheduler)
            [UInt8](repeating: 1, count: 5000).withUnsafeBytes { abandoned.observe($0) }
            #expect(scheduler.usage.held == 1)
        }
        #expect(scheduler.usage.held == 0)
    }

    @Test func theUploaderHashesItsPartsInTheClientsSharedLanesAndTheirETagsCheckOut() async throws {
        let dir = try TempDirectory(prefix: "md5lanes")
        defer { dir.remove() }
        let path = dir.path("twelve")
        try Data(randomBytes(12 * 1024 * 1024 + 5, seed: 12)).write(to: URL(fileURLWithPath: path))
        let http = BodyShowingS3()
        let client = S3Client(http: http, configuration: S3Configuration(region: "eu-west-1", endpoint: "http://127.0.0.1:9"),
                              credentials: StaticCredentialProvider(AWSCredentials(accessKeyId: "AKID", secretAccessKey: Secret("sk"))))
        http.lanes = client.md5Lanes
        let uploader = MultipartUploader(client: client, planner: PartPlanner(multipartThreshold: 6 * 1024 * 1024,
                                                                              preferredPartSize: 5 * 1024 * 1024), partConcurrency: 3)
        let result = try await uploader.upload(UploadRequest(path: path, bucket: "b", key: "k"))
        #expect(result.partCount == 3)
        #expect(http.partsSeenInSharedLanes == 3)
        #expect(client.md5Lanes?.usage.held == 0)
    }
}

/// A store that shows each part's body to its observer, as the engine does, and answers with the MD5 of the
/// bytes (so the uploader's ETag check passes only if the hasher's MD5 is right); it counts the parts whose
/// hasher took a lane of `lanes`.
private final class BodyShowingS3: HTTPClient, @unchecked Sendable {
    // `@unchecked Sendable`: all state is guarded by `lock`.
    private let lock = NSLock()
    var lanes: MD5LaneScheduler?
    private var partMD5s: [Int: [UInt8]] = [:]
    private var seenInLanes = 0

    var partsSeenInSharedLanes: Int { lock.withLock { seenInLanes } }

    func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
        let query = URLComponents(string: request.url)?.queryItems ?? []
        if request.method == "PUT", case .file(let path, let offset, let length) = request.body,
           let number = query.first(where: { $0.name == "partNumber" })?.value.flatMap(Int.init) {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            try handle.seek(toOffset: UInt64(offset))
            let bytes = [UInt8](try handle.read(upToCount: Int(length)) ?? Data())
            try handle.close()
            let observer = request.bodyObserver
            observer?.restart()
            stride(from: 0, to: bytes.count, by: 100_000).forEach { start in
                bytes[start..<min(bytes.count, start + 100_000)].withUnsafeBytes { observer?.observe($0) }
            }
            let held = (lanes?.usage.held ?? 0) > 0
            let md5 = Digest.md5(bytes)
            lock.withLock {
                partMD5s[number] = md5
                if held { seenInLanes += 1 }
            }
            return HTTPResponse(status: 200, headers: ["ETag": "\"\(Hex.encode(md5))\""])
        }
        if request.method == "POST", query.contains(where: { $0.name == "uploadId" }) {
            let etag = lock.withLock { MultipartETag.multipart(partMD5s: partMD5s.keys.sorted().map { partMD5s[$0]! }) }
            return HTTPResponse(status: 200, body: Array(
                "<CompleteMultipartUploadResult><ETag>\"\(etag)\"</ETag></CompleteMultipartUploadResult>".utf8))
        }
        if request.method == "POST" {
            return HTTPResponse(status: 200, body: Array(
                "<InitiateMultipartUploadResult><UploadId>u</UploadId></InitiateMultipartUploadResult>".utf8))
        }
        return HTTPResponse(status: 404)
    }
}
