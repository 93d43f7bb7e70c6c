import Foundation
import HTTPEngine
import IngestCore
import IngestTestSupport
import Logging
import Testing

/// Runs `body` against a fresh loopback test server and engine; both are stopped afterwards.
func withServer(_ configuration: CurlHTTPClient.Configuration = .init(),
                _ body: (TestHTTPServer, CurlHTTPClient) async throws -> Void) async throws {
    try await withTeardown { teardown in
        let server = try await teardown.stop(TestHTTPServer())
        let client = CurlHTTPClient(configuration: configuration)
        try await body(server, client)
    }
}

/// The JSON `/echo` answers with.
struct Echo: Decodable {
    let method: String
    let length: Int
    let md5: String
    let headers: [String: String]
}

func echo(_ response: HTTPResponse) throws -> Echo {
    try JSONDecoder().decode(Echo.self, from: Data(response.body))
}

/// MD5 of a byte range of a file, computed by an independent tool (Python's hashlib).
func independentMD5(path: String, offset: Int64, length: Int64) async throws -> String {
    let script = """
    import hashlib, sys
    d = hashlib.md5(); f = open(sys.argv[1], 'rb'); f.seek(int(sys.argv[2])); n = int(sys.argv[3])
    while n > 0:
        b = f.read(min(n, 1 << 20))
        if not b: break
        d.update(b); n -= len(b)
    print(d.hexdigest())
    """
    let result = try await ProcessRunner.run(ProcessRunner.which("python3") ?? "/usr/bin/python3",
                                       ["-c", script, path, String(offset), String(length)])
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Makes a sparse file of `size` bytes with pseudo-random data written in a few places.
func makeSparseFile(in directory: TempDirectory, name: String, size: Int64, seed: UInt64 = 42) throws -> String {
    let path = directory.path(name)
    let fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0o644)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    guard ftruncate(fd, off_t(size)) == 0 else { throw POSIXError(.EIO) }
    var state = seed
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    for position in stride(from: Int64(0), to: size, by: Int64.Stride(max(size / 7, 1))) {
        for i in chunk.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            chunk[i] = UInt8(truncatingIfNeeded: state >> 33)
        }
        let count = Int(min(Int64(chunk.count), size - position))
        _ = chunk.withUnsafeBytes { pwrite(fd, $0.baseAddress, count, off_t(position)) }
    }
    return path
}

/// Connections the test server has accepted so far.
func connectionCount(_ server: TestHTTPServer, _ client: CurlHTTPClient) async throws -> Int {
    let stats = try await client.execute(HTTPRequest(method: "GET", url: "\(server.base)/stats"))
    let object = try JSONSerialization.jsonObject(with: Data(stats.body)) as? [String: Int]
    return try #require(object?["connections"])
}

/// Resident set size of this process in kB, from /proc/self/status.
func residentKilobytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

@Suite(.serialized) struct CurlHTTPClientTests {
    @Test func everyMethodReachesTheServerWithItsBody() async throws {
        try await withServer { server, client in
            let body = Array("hello engine".utf8)
            for method in ["GET", "PUT", "POST", "DELETE", "PATCH"] {
                let hasBody = method != "GET" && method != "DELETE"
                let response = try await client.execute(HTTPRequest(method: method, url: "\(server.base)/echo",
                                                                    body: hasBody ? .bytes(body) : .none))
                #expect(response.status == 200)
                let answer = try echo(response)
                #expect(answer.method == method)
                #expect(answer.length == (hasBody ? body.count : 0))
            }
            let head = try await client.execute(HTTPRequest(method: "HEAD", url: "\(server.base)/echo"))
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers["Content-Length"] != nil)
        }
    }

    @Test func putAndPostSendNoExpectAndNoInventedContentType() async throws {
        try await withServer { server, client in
            let big = [UInt8](repeating: 7, count: 2 << 20)
            for method in ["PUT", "POST"] {
                let response = try await client.execute(HTTPRequest(method: method, url: "\(server.base)/echo",
                                                                    headers: ["X-Amz-Meta-Empty": ""],
                                                                    body: .bytes(big)))
                let answer = try echo(response)
                #expect(answer.headers["expect"] == nil)
                #expect(answer.headers["content-type"] == nil)
                #expect(answer.headers["x-amz-meta-empty"] == "")
                #expect(answer.length == big.count)
            }
        }
    }

    @Test func fileRangeInTheMiddleOfALargeFileArrivesIntact() async throws {
        let directory = try TempDirectory(prefix: "range")
        defer { directory.remove() }
        let path = try makeSparseFile(in: directory, name: "big.bin", size: 50 << 20)
        let offset: Int64 = (20 << 20) + 12_345
        let length: Int64 = (9 << 20) + 777
        let expected = try await independentMD5(path: path, offset: offset, length: length)
        try await withServer { server, client in
            let response = try await client.execute(HTTPRequest(method: "PUT", url: "\(server.base)/echo",
                                                                body: .file(path: path, offset: offset, length: length)))
            let answer = try echo(response)
            #expect(answer.length == Int(length))
            #expect(answer.md5 == expected)
            #expect(answer.headers["content-length"] == String(length))
        }
    }

    @Test func missingBodyFileFailsWithFileReadFailed() async throws {
        try await withServer { server, client in
            let error = await #expect(throws: TransportError.self) {
                _ = try await client.execute(HTTPRequest(method: "PUT", url: "\(server.base)/echo",
                                                         body: .file(path: "/nonexistent/file", offset: 0, length: 10)))
            }
            #expect(error?.kind == .fileReadFailed)
        }
    }

    @Test func fileShorterThanTheRangeFailsWithFileReadFailed() async throws {
        let directory = try TempDirectory(prefix: "short")
        defer { directory.remove() }
        let path = try directory.write("short.bin", Data(repeating: 1, count: 1000))
        try await withServer { server, client in
            let error = await #expect(throws: TransportError.self) {
                _ = try await client.execute(HTTPRequest(method: "PUT", url: "\(server.base)/echo",
                                                         body: .file(path: path, offset: 500, length: 1000)))
            }
            #expect(error?.kind == .fileReadFailed)
        }
    }

    @Test func twoHundredConcurrentRequestsAllCompleteOverFewConnections() async throws {
        var configuration = CurlHTTPClient.Configuration()
        configuration.maxHostConnections = 8
        try await withServer(configuration) { server, client in
            // The readiness probe and this request are counted too: measure from here.
            let baseline = try await connectionCount(server, client)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        let body = Array("request \(i)".utf8)
                        let response = try await client.execute(HTTPRequest(method: "POST", url: "\(server.base)/echo",
                                                                            body: .bytes(body)))
                        return try echo(response).length == body.count ? response.status : -1
                    }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == 200 })
            // The connection opened for the baseline is one of the eight allowed.
            #expect(try await connectionCount(server, client) - baseline <= 7)
        }
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        try await withServer { server, client in
            let baseline = try await connectionCount(server, client)
            for _ in 0..<25 {
                let response = try await client.execute(HTTPRequest(method: "PUT", url: "\(server.base)/echo",
                                                                    body: .bytes([1, 2, 3])))
                #expect(response.status == 200)
            }
            #expect(try await connectionCount(server, client) == baseline)
        }
    }

    @Test func requestTimeoutFailsWithTimedOutWithinBound() async throws {
        try await withServer { server, client in
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: TransportError.self) {
                _ = try await client.execute(HTTPRequest(method: "GET", url: "\(server.base)/slow?seconds=5",
                                                         timeout: .milliseconds(500)))
            }
            #expect(error?.kind == .timedOut)
            #expect(clock.now - started < .seconds(3))
        }
    }

    @Test func stalledResponseIsDetectedByTheLowSpeedLimit() async throws {
        var configuration = CurlHTTPClient.Configuration()
        configuration.lowSpeedTime = .seconds(1)
        try await withServer(configuration) { server, client in
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: TransportError.self) {
                _ = try await client.execute(HTTPRequest(method: "GET", url: "\(server.base)/stall?seconds=20"))
            }
            #expect(error?.kind == .timedOut)
            #expect(clock.now - started < .seconds(6))
        }
    }

    @Test func resetConnectionFailsAsResetOrReceiveFailure() async throws {
        try await withServer { server, client in
            let error = await #expect(throws: TransportError.self) {
                _ = try await client.execute(HTTPRequest(method: "PUT", url: "\(server.base)/reset",
                                                         body: .bytes(Array(repeating: 1, count: 1000))))
            }
            #expect(error.map { [.connectionReset, .receiveFailed].contains($0.kind) } == true)
            #expect(error?.isRetryable == true)
        }
    }

    @Test func refusedConnectionFailsWithCouldNotConnect() async throws {
        let client = CurlHTTPClient()
        let port = PortProbe.freePort()
        let error = await #expect(throws: TransportError.self) {
            _ = try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/x?X-Amz-Signature=abc"))
        }
        #expect(error?.kind == .couldNotConnect)
        #expect(error?.url == "http://127.0.0.1:\(port)/x")
    }

    @Test func clientWithoutOtherReferencesStaysAliveUntilItsAnswer() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(TestHTTPServer())
            let response = try await CurlHTTPClient().execute(HTTPRequest(method: "GET", url: "\(server.base)/slow?seconds=0.3"))
            #expect(response.status == 200)
        }
    }

    @Test func cancellingTheTaskCancelsTheRequestPromptly() async throws {
        try await withServer { server, client in
            let clock = ContinuousClock()
            let started = clock.now
            let task = Task {
                try await client.execute(HTTPRequest(method: "GET", url: "\(server.base)/slow?seconds=10"))
            }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let result = await task.result
            #expect(throws: TransportError(kind: .cancelled, message: "request cancelled", url: "\(server.base)/slow")) {
                try result.get()
            }
            #expect(clock.now - started < .seconds(3))
            // The engine keeps working after a cancellation.
            let after = try await client.execute(HTTPRequest(method: "GET", url: "\(server.base)/echo"))
            #expect(after.status == 200)
        }
    }

    @Test func alreadyCancelledTaskNeverSendsTheRequest() async throws {
        try await withServer { server, client in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.execute(HTTPRequest(method: "GET", url: "\(server.base)/slow?seconds=10"))
            }
            let result = await task.result
            #expect((try? result.get()) == nil)
            #expect(throws: TransportError.self) { try result.get() }
        }
    }

    @Test func progressIsMonotonicAndEndsAtTheBodyLength() async throws {
        let recorder = ProgressRecorder()
        try await withServer { server, client in
            let body = [UInt8](repeating: 3, count: 8 << 20)
            let response = try await client.execute(HTTPRequest(method: "PUT", url: "\(server.base)/echo", body: .bytes(body)),
                                                    progress: { recorder.record($0) })
            #expect(response.status == 200)
            let values = recorder.values
            #expect(!values.isEmpty)
            #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 })
            #expect(values.last == Int64(body.count))
        }
    }

    @Test func statusAndHeadersOfErrorResponsesAreReturned() async throws {
        try await withServer { server, client in
            let response = try await client.execute(HTTPRequest(method: "GET", url: "\(server.base)/status/503"))
            #expect(response.status == 503)
            #expect(response.headers["retry-after"] == "1")
            #expect(response.text == #"{"status": true}"#)
        }
    }

    @Test func oversizedResponseFailsInsteadOfGrowingWithoutBound() async throws {
        var configuration = CurlHTTPClient.Configuration()
        configuration.maxResponseBytes = 1000
        try await withServer(configuration) { server, client in
            let small = try await client.execute(HTTPRequest(method: "GET", url: "\(server.base)/bytes?n=1000"))
            #expect(small.body.count == 1000)
            let error = await #expect(throws: TransportError.self) {
                _ = try await client.execute(HTTPRequest(method: "GET", url: "\(server.base)/bytes?n=100000"))
            }
            #expect(error?.kind == .receiveFailed)
        }
    }

    @Test func debugLogNeverContainsSecrets() async throws {
        let (logger, store) = InMemoryLogHandler.logger(level: .debug)
        var configuration = CurlHTTPClient.Configuration()
        configuration.logger = logger
        let secrets = ["AKIDSECRETCREDENTIAL", "sig0123456789abcdef", "TOKENvalue987", "hunter2pass", "Bearer-eyJsecret",
                       "cookie-secret-1"]
        try await withServer(configuration) { server, client in
            let url = "\(server.base)/echo?X-Amz-Credential=\(secrets[0])%2F20250101&X-Amz-Signature=\(secrets[1])"
                + "&X-Amz-Security-Token=\(secrets[2])&password=\(secrets[3])&partNumber=3"
            let request = HTTPRequest(method: "POST", url: url,
                                      headers: ["Authorization": "AWS4-HMAC-SHA256 Credential=x, Signature=\(secrets[1])",
                                                "X-Amz-Security-Token": secrets[2], "Cookie": secrets[5],
                                                "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
                                                "x-api-key-visible": "visible-header"],
                                      body: .bytes(Array("{\"PASSWORD\":\"\(secrets[3])\",\"t\":\"\(secrets[4])\"}".utf8)))
            let response = try await client.execute(request)
            #expect(response.status == 200)
        }
        let text = store.text
        #expect(text.contains("status=200") || text.contains("200"))
        #expect(text.contains("partNumber=3"))
        #expect(text.contains("visible-header"))
        #expect(text.contains("***"))
        for secret in secrets {
            #expect(!text.contains(secret), "log leaked \(secret)")
        }
    }

    @Test func uploadingAGigabyteFileRangeDoesNotGrowMemory() async throws {
        let directory = try TempDirectory(prefix: "rss")
        defer { directory.remove() }
        let size: Int64 = 1 << 30
        let path = try makeSparseFile(in: directory, name: "huge.bin", size: size + 4096)
        try await withServer { server, client in
            // Warm up: the engine thread, its buffers and the connection exist before measuring.
            _ = try await client.execute(HTTPRequest(method: "PUT", url: "\(server.base)/echo",
                                                     body: .file(path: path, offset: 0, length: 1 << 20)))
            let before = residentKilobytes()
            let response = try await client.execute(HTTPRequest(method: "PUT", url: "\(server.base)/echo",
                                                                body: .file(path: path, offset: 4096, length: size)))
            let after = residentKilobytes()
            #expect(try echo(response).length == Int(size))
            #expect(after - before < 32 * 1024, "RSS grew from \(before) kB to \(after) kB")
        }
    }
}

/// Collects progress values reported from the engine thread.
final class ProgressRecorder: Sendable {
    private let storage = Locked<[Int64]>([])

    func record(_ value: Int64) { storage.withLock { $0.append(value) } }

    var values: [Int64] { storage.withLock { $0 } }
}

/// Issue 10 point 7: libcurl must not squash `.`/`..` segments, or `bucket/a/../b` reaches another key
/// (or bucket) than the one built and signed.
@Suite struct PathAsIsTests {
    @Test func dotSegmentsReachTheServerExactlyAsBuilt() async throws {
        try await withServer { server, client in
            let response = try await client.execute(HTTPRequest(method: "GET", url: "\(server.base)/echo/a/../b/./c"))
            let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect(json?["path"] as? String == "/echo/a/../b/./c")
        }
    }
}
