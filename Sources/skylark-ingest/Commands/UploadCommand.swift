import ArgumentParser
import CryptoPrimitives
import Foundation
import IngestCore
import Logging
import Pipeline
import S3
import Session

/// `skylark-ingest upload FILE...`: uploads videos to the watchfolder bucket on their own (simple-mode drops,
/// or with `asset` metadata), resumable through state files, without a manifest.
struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload files to the S3 watchfolder bucket (resumable multipart, checked ETags).",
        discussion: """
        Without --asset-uid the files are simple-mode drops (no metadata); with it each object gets
        user metadata asset = {"uid": "<UID>"}. Credentials come from the AWS SDKs' default chain (environment,
        web identity, AWS_PROFILE's profile, container, EC2 instance metadata) and are refreshed before they
        expire; region and endpoint from AWS_REGION, AWS_ENDPOINT_URL_S3 or the profile (see README, Credentials).
        SIGINT/SIGTERM: no new file starts, files in flight finish (a second signal exits at once; with
        --state-dir a re-run resumes their parts), exit 130.
        Exit codes: 0 all uploaded, 1 some failed, 2 usage, 3 credentials/auth/connectivity, 130 interrupted.
        """
    )

    @Argument(help: "Files to upload.")
    var files: [String]

    @Option(help: "The bucket (default: $SKYLARK_WATCHFOLDER_BUCKET).")
    var bucket: String?

    @Option(help: "The object key (only with one file; default: the file's name).")
    var key: String?

    @Option(name: .customLong("key-prefix"), help: "A prefix put before each file's name to make its key.")
    var keyPrefix: String?

    @Option(name: .customLong("asset-uid"), help: "Attach the objects to this Skylark asset (x-amz-meta-asset).")
    var assetUID: String?

    @Option(help: "Files uploaded at the same time.")
    var concurrency: Int = 8

    @Option(name: .customLong("part-concurrency"), help: "Parts in flight per file.")
    var partConcurrency: Int = 8

    @Option(name: .customLong("part-size"), help: "Preferred part size, e.g. 16MiB (min 5MiB; raised to fit 10,000 parts).")
    var partSize: String?

    @Option(name: .customLong("multipart-threshold"), help: "Files larger than this go multipart (default 16MiB).")
    var multipartThreshold: String?

    @Option(name: .customLong("max-bandwidth"),
            help: ArgumentHelp("Total upload rate limit, e.g. 50MB/s or 20MiB; or a timetable in local time, "
                               + "e.g. \"08:00,10M 19:00,off\" (rclone's --bwlimit).", valueName: "rate|timetable"))
    var maxBandwidth: String?

    @Option(name: .customLong("max-in-flight"), help: "Bytes of parts in flight across all files (default 256MiB).")
    var maxInFlight: String?

    @Option(name: .customLong("state-dir"), help: "Keep resumable state here; re-run the same command to resume.")
    var stateDir: String?

    @Option(name: .customLong("ca-bundle"), help: "Extra CA certificates (PEM) to trust, added to the system store (or AWS_CA_BUNDLE).")
    var caBundle: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one FILE") }
        if key != nil && files.count != 1 { throw ValidationError("--key takes exactly one FILE; use --key-prefix for several") }
        if key != nil && keyPrefix != nil { throw ValidationError("--key and --key-prefix exclude each other") }
        if concurrency < 1 || partConcurrency < 1 { throw ValidationError("concurrency values must be at least 1") }
        for (name, value) in [("--part-size", partSize), ("--max-in-flight", maxInFlight),
                              ("--multipart-threshold", multipartThreshold)] {
            if let value, ByteSize.parse(value) == nil { throw ValidationError("\(name): cannot read '\(value)' as a size") }
        }
        if let maxBandwidth {
            do { _ = try BandwidthSchedule(parsing: maxBandwidth) } catch { throw ValidationError("--max-bandwidth: \(error)") }
        }
        // The manifest's rules, before anything is sent: a bad key or uid is a usage error (exit 2).
        if let assetUID, let problem = SkylarkUID.problem(assetUID, name: "--asset-uid") {
            throw ValidationError(problem.description)
        }
        for file in files {
            if let problem = ObjectKeyRules.problem(objectKey(for: file)) {
                let source = key != nil ? "--key" : keyPrefix != nil ? "the key from --key-prefix and \(DiagnosticText.quoted(file))"
                    : "the key from the file name \(DiagnosticText.quoted(file))"
                throw ValidationError("\(source): \(problem.description)")
            }
        }
    }

    /// The upload's services: connections for every part in flight, and one uploader whose budget and
    /// send-rate limit every file shares (every retry and backoff is logged at info, as in `run`).
    private var sessionOptions: IngestSession.Options {
        var options = IngestSession.Options()
        options.caBundle = caBundle
        options.maxHostConnections = max(32, concurrency * partConcurrency)
        options.maxTotalConnections = max(64, concurrency * partConcurrency)
        options.uploads.planner = PartPlanner(multipartThreshold: multipartThreshold.flatMap(ByteSize.parse) ?? 16 * 1024 * 1024,
                                              preferredPartSize: partSize.flatMap(ByteSize.parse) ?? 8 * 1024 * 1024)
        options.uploads.partConcurrency = partConcurrency
        options.uploads.budget = ByteBudget(capacity: maxInFlight.flatMap(ByteSize.parse) ?? 256 * 1024 * 1024)
        options.uploads.bandwidth = maxBandwidth.flatMap { try? BandwidthSchedule(parsing: $0) }
        return options
    }

    /// The object key of `file`: `--key`, or `--key-prefix` (if any) followed by the file's name.
    private func objectKey(for file: String) -> String {
        key ?? ObjectKeyRules.derived(prefix: keyPrefix, filePath: file)
    }

    func run() async throws {
        let logger = Log.bootstrap(level: logging.level, format: logging.logFormat)
        let environment = ProcessInfo.processInfo.environment
        guard let bucket = bucket ?? environment["SKYLARK_WATCHFOLDER_BUCKET"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw ValidationError("no bucket: give --bucket or set SKYLARK_WATCHFOLDER_BUCKET")
        }
        let configuration = Configuration(environment: environment)
        let session = IngestSession(configuration: configuration, options: sessionOptions, logger: logger,
                                    notice: { Console.printError($0) })
        let uploader: MultipartUploader
        let retrier: Retrier
        do {
            try await session.s3Client().headBucket(bucket)
            uploader = try await session.uploader()
            retrier = try await session.retrier()
        } catch {
            printError(error)
            throw ExitCode(ExitStatus.code(for: error))
        }
        if let stateDir {
            try? FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        }

        let requests = files.map { file in
            UploadRequest(path: file, bucket: bucket, key: objectKey(for: file),
                          metadata: assetUID.map { ["asset": "{\"uid\": \"\($0)\"}"] } ?? [:], ifNoneMatch: true)
        }
        // One upload per file: after an outcome it does not know, `run`'s rule reads the file back (once the
        // upload has settled, when its answer was lost) and reports what it found; it never sends it again.
        let writeOnce = retrier.allowing(writes: 1)
        let stop = StopSignal()
        let signals = SignalTrap(stop: stop)
        let progress = UploadProgress(total: requests.count, noProgress: logging.level >= .warning)
        let (failures, started) = await withTaskGroup(of: Bool.self) { group -> (Int, Int) in
            var iterator = requests.makeIterator()
            var failed = 0, started = 0
            func startNext() -> Bool {
                guard !stop.isRequested, let request = iterator.next() else { return false }
                started += 1
                group.addTask { await uploadOne(request, uploader: uploader, retrier: writeOnce, progress: progress) }
                return true
            }
            for _ in 0..<concurrency where !startNext() { break }
            while let ok = await group.next() {
                if !ok { failed += 1 }
                _ = startNext()
            }
            return (failed, started)
        }
        signals.cancel()
        progress.stop()
        if stop.isRequested {
            Console.printLine("interrupted: \(requests.count - started) of \(requests.count) file(s) not started"
                + (failures > 0 ? ", \(failures) failed" : "") + "; run the same command again", level: .warning)
            throw ExitCode(ExitStatus.code(uploadFailures: failures, interrupted: true))
        }
        if failures > 0 {
            Console.printLine("\(failures) of \(requests.count) file(s) failed", level: .error)
            throw ExitCode(ExitStatus.code(uploadFailures: failures, interrupted: false))
        }
    }

    /// Uploads one file, showing its progress and printing its result line; false when it failed.
    /// `retrier` (one write) reads an upload whose outcome is unknown back instead of failing it.
    private func uploadOne(_ request: UploadRequest, uploader: MultipartUploader, retrier: Retrier,
                           progress: UploadProgress) async -> Bool {
        let size = (try? FileFingerprint.of(request.path).size) ?? 0
        progress.started(request.path, size: size)
        defer { progress.finished(request.path) }
        let statePath = stateDir.map { "\($0)/\(UploadCommand.stateFileName(bucket: request.bucket, key: request.key))" }
        let resume = statePath.flatMap { path in
            FileManager.default.contents(atPath: path).flatMap { try? JSONDecoder().decode(UploadState.self, from: $0) }
        }
        let started = ContinuousClock.now
        do {
            let path = request.path
            // An upload whose outcome is unknown is never sent again before a read: the object may be there (or
            // already moved to processed/ by the watchfolder). A read that fails leaves the upload's own failure.
            let outcome = try await retrier.write(item: path, {
                FileResult.uploaded(try await uploader.upload(request, resume: resume, onStateChange: { state in
                    guard let statePath else { return }
                    try UploadCommand.writeState(state, to: statePath)
                }, progress: { sent in progress.sent(path, bytes: sent) }))
            }, reconcile: {
                (try? await UploadCommand.findOurs(request, uploader: uploader, resume: resume)).map(FileResult.found)
            })
            switch outcome {
            case .uploaded(let result):
                let elapsed = ContinuousClock.now - started
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let rate = seconds > 0 ? Double(result.bytes) / seconds / 1e6 : 0
                var line = "uploaded \(request.path) -> s3://\(result.bucket)/\(result.key)  \(result.bytes) bytes  etag \(result.etag)"
                    + "  \(String(format: "%.1f", rate)) MB/s"
                if result.resumed { line += "  (resumed: \(result.partsSent) of \(result.partCount) parts sent)" }
                progress.print { print(line) }
            case .found(let found):
                progress.print {
                    print("uploaded \(request.path) -> s3://\(request.bucket)/\(found.key)  \(found.size) bytes  etag \(found.etag)"
                          + "  (confirmed by reading it back)")
                }
                if let statePath { try? UploadCommand.writeState(nil, to: statePath) }
            }
            return true
        } catch {
            printError(error, file: request.path)
            return false
        }
    }

    /// How one file's upload ended: sent, or found by reading it back after an unknown outcome.
    private enum FileResult: Sendable {
        case uploaded(UploadResult)
        case found((key: String, size: Int64, etag: String))
    }

    /// Our object under the request's key or under `processed/<key>`: same metadata and an ETag the local
    /// file gives (never size alone); nil when neither place holds it.
    static func findOurs(_ request: UploadRequest, uploader: MultipartUploader, resume: UploadState?) async throws
        -> (key: String, size: Int64, etag: String)? {
        let size = try FileFingerprint.of(request.path).size
        var local: Set<String>?
        for key in [request.key, "processed/" + request.key] {
            guard let info = try await uploader.client.headObject(bucket: request.bucket, key: key),
                  info.size == size, info.metadata["asset"] == request.metadata["asset"] else { continue }
            if local == nil {
                local = try await uploader.contentETags(path: request.path, size: size, resumedPartSize: resume?.partSize)
            }
            if local?.contains(info.etag) == true { return (key, size, info.etag) }
        }
        return nil
    }

    /// The state file of one object: a hash of bucket and key, so any key makes a safe file name.
    static func stateFileName(bucket: String, key: String) -> String {
        "upload-" + Hex.encode(Digest.sha256(Array("\(bucket)/\(key)".utf8)).prefix(16)) + ".json"
    }

    /// Writes `state` atomically (temp file + rename), or removes the file when `state` is nil.
    static func writeState(_ state: UploadState?, to path: String) throws {
        guard let state else {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(state)
        let temp = path + ".tmp"
        try data.write(to: URL(fileURLWithPath: temp))
        guard rename(temp, path) == 0 else {
            throw IngestError(code: .stateWrite, message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    private func printError(_ error: any Error, file: String? = nil) {
        let ingest = (error as? any IngestErrorConvertible)?.ingestError
            ?? IngestError(code: .unexpected, message: String(describing: error))
        let prefix = file.map { "failed \($0): " } ?? ""
        Console.printLine(prefix + ingest.description, level: .error)
    }
}
