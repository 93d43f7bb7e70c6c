import CCurl
import Foundation
import Synchronization

/// One request in flight: its easy handle, body source, response buffers and continuation.
///
/// Concurrency: a `Transfer` is made on the caller's task and handed to the engine thread through
/// the lock-protected submission queue. From then on only the engine thread touches its state,
/// except `cancelRequested`, which is behind a `Mutex`. Hence `@unchecked Sendable`.
final class Transfer: @unchecked Sendable {
    let request: HTTPRequest
    let progress: HTTPProgress?
    /// Set before the transfer is submitted; resumed exactly once by the engine thread.
    var continuation: CheckedContinuation<HTTPResponse, any Error>?

    private let cancelFlag = Mutex(false)

    // Engine-thread state.
    var easy: EasyHandle?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var fileDescriptor: Int32 = -1
    /// Bytes of the body handed to curl since the last rewind (framing included).
    var bodyPosition: Int64 = 0
    /// Payload bytes read since the last rewind (equal to `bodyPosition` unless the body is framed).
    var payloadPosition: Int64 = 0
    /// The framing state of an `aws-chunked` body.
    var chunkedWriter: AWSChunkedWriter?
    var responseHeaders: [(String, String)] = []
    var responseBody: [UInt8] = []
    var responseTooLarge = false
    var maxResponseBytes = Int.max
    /// Why the read callback aborted, when it did.
    var readFailure: String?
    var lastReportedProgress: Int64 = 0
    /// The read callback paused the transfer because the shared send rate had no bytes for it; the
    /// engine continues it when the limiter has some.
    var pausedForRate = false
    var startedAt = ContinuousClock.now
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(request: HTTPRequest, progress: HTTPProgress?) {
        self.request = request
        self.progress = progress
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        releaseResources()
        errorBuffer.deallocate()
    }

    /// Marks the transfer cancelled (any thread).
    func requestCancel() { cancelFlag.withLock { $0 = true } }

    /// Whether cancellation was requested (any thread).
    var cancelRequested: Bool { cancelFlag.withLock { $0 } }

    /// Closes the file and frees the header list (idempotent).
    func releaseResources() {
        if fileDescriptor >= 0 {
            close(fileDescriptor)
            fileDescriptor = -1
        }
        if let list = headerList {
            curl_slist_free_all(list)
            headerList = nil
        }
    }

    /// Resumes the caller with `result` (once).
    func complete(_ result: Result<HTTPResponse, TransportError>) {
        releaseResources()
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(with: result.mapError { $0 as any Error })
    }

    /// The request URL without its query string, for errors.
    var urlForErrors: String { Redaction.urlWithoutQuery(request.url) }

    /// Opens the body file when there is one, and starts the body from its first byte.
    func openBody() -> TransportError? {
        restartBody()
        guard case .file(let path, let offset, let length) = request.body else { return nil }
        guard offset >= 0, length >= 0 else {
            return TransportError(kind: .fileReadFailed, message: "invalid file range \(offset)+\(length) of \(path)",
                                  url: urlForErrors)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            return TransportError(kind: .fileReadFailed, message: "cannot open \(path): \(reason)", url: urlForErrors)
        }
        fileDescriptor = fd
        return nil
    }

    /// Fills `buffer` with up to `capacity` body bytes (framed when the request is `aws-chunked`); returns
    /// the count, 0 at the end, or `nil` when the body cannot be read (the transfer is then aborted).
    /// File bytes are read with `pread` straight into curl's buffer and shown to the body observer there:
    /// each byte is read once, whatever hashes it.
    func readBody(into buffer: UnsafeMutableRawPointer, capacity: Int) -> Int? {
        let remaining = request.sentBodyLength - bodyPosition
        var wanted = Int(min(Int64(capacity), max(0, remaining)))
        if wanted == 0 { return 0 }
        if let limiter = request.sendLimiter {
            wanted = limiter.take(upTo: wanted)
            if wanted == 0 {
                pausedForRate = true
                return ccurl_readfunc_pause()
            }
        }
        let written: Int
        if var writer = chunkedWriter {
            guard let count = writer.fill(buffer, capacity: wanted, readPayload: { readPayload(into: $0, count: $1) },
                                          trailer: { request.bodyObserver?.trailerValue() ?? "" }) else {
                if readFailure == nil { readFailure = "the aws-chunked trailer did not have its announced length" }
                return nil
            }
            chunkedWriter = writer
            written = count
        } else {
            guard readPayload(into: buffer, count: wanted) else { return nil }
            written = wanted
        }
        bodyPosition += Int64(written)
        return written
    }

    /// Puts the next `count` payload bytes at `buffer` and shows them to the observer; false (with
    /// `readFailure` set) when the file cannot be read.
    private func readPayload(into buffer: UnsafeMutableRawPointer, count: Int) -> Bool {
        switch request.body {
        case .none:
            return count == 0
        case .bytes(let bytes):
            let start = Int(payloadPosition)
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: source.baseAddress! + start, byteCount: count)
            }
        case .file(let path, let offset, _):
            var got = 0
            while got < count {
                let n = pread(fileDescriptor, buffer + got, count - got, off_t(offset + payloadPosition + Int64(got)))
                if n < 0 {
                    if errno == EINTR { continue }
                    readFailure = "reading \(path): \(String(cString: strerror(errno)))"
                    return false
                }
                if n == 0 {
                    readFailure = "\(path) ended before byte \(offset + request.body.length) (was it truncated?)"
                    return false
                }
                got += n
            }
        }
        request.bodyObserver?.observe(UnsafeRawBufferPointer(start: buffer, count: count))
        payloadPosition += Int64(count)
        return true
    }

    /// Starts the body again from its first byte (a new attempt, or curl rewinding it).
    func restartBody() {
        bodyPosition = 0
        payloadPosition = 0
        chunkedWriter = request.awsChunked.map { AWSChunkedWriter(encoding: $0) }
        request.bodyObserver?.restart()
    }

    /// Handles one header line of a response; a status line starts a new header set, so only the
    /// last response's headers (after 100-continue or redirects) remain.
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        switch HeaderLine.parse(bytes) {
        case .status: responseHeaders.removeAll(keepingCapacity: true)
        case .field(let name, let value): responseHeaders.append((name, value))
        case .other: break
        }
    }

    /// Appends body bytes; false when the response exceeds the configured maximum.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if responseBody.count + bytes.count > maxResponseBytes {
            responseTooLarge = true
            return false
        }
        responseBody.append(contentsOf: bytes)
        return true
    }

    /// Reports upload progress when it moved forward.
    /// An `aws-chunked` body counts payload bytes only (never more than were read).
    func reportProgress(bytesSent: Int64) {
        let bytesSent = chunkedWriter == nil ? bytesSent : min(bytesSent, payloadPosition)
        guard let progress, bytesSent > lastReportedProgress else { return }
        lastReportedProgress = bytesSent
        progress(bytesSent)
    }

    /// The curl error text for this transfer (error buffer, else the generic message).
    func curlMessage(_ code: CURLcode) -> String {
        let detail = String(cString: errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }
}
