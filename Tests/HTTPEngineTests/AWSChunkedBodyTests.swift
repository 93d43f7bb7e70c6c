import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Testing

/// Counts and fingerprints (FNV-1a) the body bytes the engine shows it; its trailer is the count.
final class CountingObserver: HTTPBodyObserver, Sendable {
    private struct State {
        var count: Int64 = 0
        var fnv: UInt64 = 0xcbf29ce484222325
        var restarts = 0
    }

    private let state = Locked(State())
    let trailerWidth: Int

    init(trailerWidth: Int = 12) { self.trailerWidth = trailerWidth }

    var restarts: Int { state.withLock { $0.restarts } }

    func restart() {
        state.withLock { state in
            state.count = 0
            state.fnv = 0xcbf29ce484222325
            state.restarts += 1
        }
    }

    func observe(_ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            for byte in bytes { state.fnv = (state.fnv ^ UInt64(byte)) &* 0x100000001b3 }
            state.count += Int64(bytes.count)
        }
    }

    func trailerValue() -> String {
        let digits = String(state.withLock { $0.count })
        return String(repeating: "0", count: max(0, trailerWidth - digits.count)) + digits
    }

    var seen: (count: Int64, fnv: UInt64) { state.withLock { ($0.count, $0.fnv) } }

    static func fingerprint(_ bytes: some Sequence<UInt8>) -> UInt64 {
        bytes.reduce(UInt64(0xcbf29ce484222325)) { ($0 ^ UInt64($1)) &* 0x100000001b3 }
    }
}

@Suite(.serialized) struct AWSChunkedBodyTests {
    /// The exact bytes an aws-chunked body must be: built here independently of the engine's writer.
    static func expectedEncoding(_ payload: [UInt8], chunkSize: Int, trailer: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < payload.count {
            let size = min(chunkSize, payload.count - index)
            out += Array((String(size, radix: 16) + "\r\n").utf8) + payload[index..<(index + size)] + Array("\r\n".utf8)
            index += size
        }
        return out + Array("0\r\n\(trailer)\r\n\r\n".utf8)
    }

    @Test func anAwsChunkedFileBodyArrivesFramedWithItsTrailerAndTheAnnouncedLength() async throws {
        let directory = try TempDirectory(prefix: "chunked")
        defer { directory.remove() }
        let path = try makeSparseFile(in: directory, name: "body.bin", size: 3 << 20)
        let offset: Int64 = 12_345
        let length: Int64 = (1 << 20) + 20_001  // 16 full chunks of 64 KiB and a short one
        let handle = try #require(FileHandle(forReadingAtPath: path))
        try handle.seek(toOffset: UInt64(offset))
        let payload = Array(try #require(try handle.read(upToCount: Int(length))))
        try handle.close()
        let encoding = AWSChunkedEncoding(payloadLength: length, trailerName: "x-amz-checksum-test", trailerValueLength: 12)
        let expected = Self.expectedEncoding(payload, chunkSize: 64 * 1024, trailer: "x-amz-checksum-test:00000\(length)")
        #expect(encoding.encodedLength == Int64(expected.count))
        let expectedPath = try directory.write("expected.bin", Data(expected))
        let expectedMD5 = try await independentMD5(path: expectedPath, offset: 0, length: Int64(expected.count))

        let observer = CountingObserver()
        try await withServer(CurlHTTPClient.Configuration()) { server, client in
            var request = HTTPRequest(method: "PUT", url: "\(server.base)/echo", body: .file(path: path, offset: offset, length: length))
            request.bodyObserver = observer
            request.awsChunked = encoding
            let answer = try echo(try await client.execute(request))
            #expect(answer.length == expected.count)
            #expect(answer.headers["content-length"] == String(expected.count))
            #expect(answer.md5 == expectedMD5, "the framing or the trailer differs from the aws-chunked form")
        }
        #expect(observer.seen.count == length, "the observer sees the payload once, without framing")
        #expect(observer.seen.fnv == CountingObserver.fingerprint(payload))
    }

    @Test func anObserverStartsAgainWithEachRequestAndSeesOnlyItsBytes() async throws {
        let observer = CountingObserver()
        let first = [UInt8](repeating: 7, count: 300_000)
        let second = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await withServer(CurlHTTPClient.Configuration()) { server, client in
            for body in [first, second] {
                var request = HTTPRequest(method: "PUT", url: "\(server.base)/echo", body: .bytes(body))
                request.bodyObserver = observer
                let answer = try echo(try await client.execute(request))
                #expect(answer.length == body.count)
            }
        }
        #expect(observer.seen.count == Int64(second.count))
        #expect(observer.seen.fnv == CountingObserver.fingerprint(second))
        #expect(observer.restarts >= 2, "restarted before each request")
    }

    @Test func aTrailerOfAnotherLengthThanAnnouncedAbortsTheRequest() async throws {
        let observer = CountingObserver(trailerWidth: 3)  // "200000" is 6 characters, 3 were announced
        try await withServer(CurlHTTPClient.Configuration()) { server, client in
            var request = HTTPRequest(method: "PUT", url: "\(server.base)/echo", body: .bytes([UInt8](repeating: 1, count: 200_000)))
            request.bodyObserver = observer
            request.awsChunked = AWSChunkedEncoding(payloadLength: 200_000, trailerName: "x-amz-checksum-test", trailerValueLength: 3)
            await #expect(throws: TransportError.self) { _ = try await client.execute(request) }
        }
    }
}
