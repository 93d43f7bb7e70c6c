import Foundation
import HTTPEngine
import IngestTestSupport
import Testing

/// CPU seconds (user + system) this process has used so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// A measurement, not a check: run with `ENGINE_BENCH=1` to print the engine's upload rate and CPU
/// cost next to the curl tool's for the same file and loopback sink.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["ENGINE_BENCH"] == "1", "set ENGINE_BENCH=1 to measure"))
struct EngineThroughputTests {
    @Test func uploadRateAndCPUAgainstTheCurlTool() async throws {
        let directory = try TempDirectory(prefix: "bench")
        defer { directory.remove() }
        let size: Int64 = 1 << 30
        let path = try makeSparseFile(in: directory, name: "bench.bin", size: size)
        var configuration = CurlHTTPClient.Configuration()
        if let buffer = ProcessInfo.processInfo.environment["ENGINE_UPLOAD_BUFFER"].flatMap({ Int($0) }) {
            configuration.uploadBufferSize = buffer
        }
        try await withServer(configuration) { server, client in
          // Round 1 brings the file into the page cache; round 2 measures the same warm state as curl.
          for round in 1...2 {
            let cpuBefore = processCPUSeconds()
            let clock = ContinuousClock()
            let started = clock.now
            let response = try await client.execute(HTTPRequest(method: "PUT", url: "\(server.base)/sink",
                                                                body: .file(path: path, offset: 0, length: size)))
            let wall = (clock.now - started)
            let cpu = processCPUSeconds() - cpuBefore
            #expect(response.status == 200)
            let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            print("engine round \(round): \(String(format: "%.0f", Double(size) / seconds / 1e6)) MB/s, CPU \(String(format: "%.2f", cpu)) s")
          }
            if let curl = ProcessRunner.which("curl") {
                let result = try await ProcessRunner.run("/usr/bin/env", ["bash", "-c",
                    "TIMEFORMAT='%R %U %S'; time \(curl) -s -o /dev/null -T \(path) -H 'Expect:' \(server.base)/sink"])
                let parts = result.stderr.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
                if parts.count == 3 {
                    print("curl tool: \(String(format: "%.0f", Double(size) / parts[0] / 1e6)) MB/s, CPU \(String(format: "%.2f", parts[1] + parts[2])) s")
                }
            }
        }
    }
}
