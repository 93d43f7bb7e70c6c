import Foundation
import HTTPEngine
import IngestCore
import S3

/// A bucket that speaks just enough S3, path-style, for the multipart uploader: CreateMultipartUpload,
/// UploadPart (reads the part's file range and answers its MD5, as S3 does), ListParts,
/// CompleteMultipartUpload (the multipart ETag of the listed parts), AbortMultipartUpload and HeadObject.
///
/// `crash(beforePart:onCrash:)` simulates the process dying as that part is about to be sent: `onCrash` runs, the
/// part is not stored, and every request fails until `revive()`.
///
final class FakeMultipartS3: HTTPClient, Sendable {
    struct StoredPart {
        var etag: String
        var md5: [UInt8]
        var size: Int64
    }

    struct Object {
        var size: Int64
        var etag: String
        var metadata: [String: String]
    }

    private struct State {
        var uploads: [String: (key: String, metadata: [String: String], parts: [Int: StoredPart])] = [:]
        var objectsByKey: [String: Object] = [:]
        var creates = 0
        var sent: [Int] = []
        var dead = false
        var crashPart: Int?
        var crashHook: @Sendable () async -> Void = {}
    }

    private let state = Locked(State())

    /// Makes the fake die as part `number` is about to be sent (after `onCrash` ran).
    func crash(beforePart number: Int, onCrash: @escaping @Sendable () async -> Void) {
        state.withLock {
            $0.crashPart = number
            $0.crashHook = onCrash
        }
    }

    /// Brings a dead fake back (a new process talking to the same S3); forgets the parts sent so far.
    func revive() {
        state.withLock {
            $0.dead = false
            $0.crashPart = nil
            $0.sent = []
        }
    }

    /// Part numbers UploadPart stored, in order, since the start or the last `revive()`.
    var partsSent: [Int] { state.withLock { $0.sent } }
    /// CreateMultipartUpload calls answered.
    var createCount: Int { state.withLock { $0.creates } }
    /// The completed objects by key.
    var objects: [String: Object] { state.withLock { $0.objectsByKey } }
    /// The parts S3 holds for `uploadId`, by number.
    func parts(of uploadId: String) -> [Int: StoredPart] { state.withLock { $0.uploads[uploadId]?.parts ?? [:] } }

    func execute(_ request: HTTPRequest, progress: HTTPProgress?) async throws -> HTTPResponse {
        guard let url = URLComponents(string: request.url) else { return Self.error(400, "InvalidURI") }
        var query: [String: String] = [:]
        for item in url.queryItems ?? [] { query[item.name] = item.value ?? "" }
        // Path-style: /BUCKET/KEY.
        let key = String(url.path.dropFirst().drop { $0 != "/" }.dropFirst())
        enum Life { case alive, dying(@Sendable () async -> Void), dead }
        let life: Life = state.withLock { state in
            if state.dead { return .dead }
            if request.method == "PUT", let number = query["partNumber"].flatMap(Int.init), number == state.crashPart {
                state.dead = true
                return .dying(state.crashHook)
            }
            return .alive
        }
        switch life {
        case .alive: break
        case .dead: throw TransportError(kind: .cancelled, message: "the process is dead", url: request.url)
        case .dying(let hook):
            await hook()
            throw TransportError(kind: .cancelled, message: "the process died", url: request.url)
        }

        switch request.method {
        case "POST" where query["uploads"] != nil:
            var metadata: [String: String] = [:]
            if let asset = request.headers["x-amz-meta-asset"] { metadata["asset"] = asset }
            let uploadId: String = state.withLock { state in
                state.creates += 1
                let id = "upload-\(state.creates)"
                state.uploads[id] = (key, metadata, [:])
                return id
            }
            return Self.xml("<InitiateMultipartUploadResult><Bucket>watch</Bucket><Key>\(key)</Key>"
                            + "<UploadId>\(uploadId)</UploadId></InitiateMultipartUploadResult>")
        case "PUT" where query["partNumber"] != nil:
            guard let uploadId = query["uploadId"], let number = query["partNumber"].flatMap(Int.init),
                  case .file(let path, let offset, let length) = request.body else { return Self.error(400, "InvalidRequest") }
            let md5 = try await FileHasher.md5(path: path, offset: offset, length: length)
            let etag = MultipartETag.single(md5: md5)
            let stored: Bool = state.withLock { state in
                guard state.uploads[uploadId] != nil else { return false }
                state.uploads[uploadId]!.parts[number] = StoredPart(etag: etag, md5: md5, size: length)
                state.sent.append(number)
                return true
            }
            guard stored else { return Self.error(404, "NoSuchUpload") }
            progress?(length)
            return HTTPResponse(status: 200, headers: ["ETag": "\"\(etag)\""])
        case "GET" where query["uploadId"] != nil:
            guard let parts = state.withLock({ $0.uploads[query["uploadId"]!]?.parts }) else { return Self.error(404, "NoSuchUpload") }
            var xml = "<ListPartsResult><IsTruncated>false</IsTruncated>"
            for number in parts.keys.sorted() {
                let part = parts[number]!
                xml += "<Part><PartNumber>\(number)</PartNumber><ETag>\"\(part.etag)\"</ETag><Size>\(part.size)</Size></Part>"
            }
            return Self.xml(xml + "</ListPartsResult>")
        case "POST" where query["uploadId"] != nil:
            guard case .bytes(let body) = request.body else { return Self.error(400, "MalformedXML") }
            let listed = String(decoding: body, as: UTF8.self).components(separatedBy: "<PartNumber>").dropFirst()
                .compactMap { Int($0.prefix { $0.isNumber }) }
            let result: HTTPResponse = state.withLock { state in
                guard let upload = state.uploads.removeValue(forKey: query["uploadId"]!) else { return Self.error(404, "NoSuchUpload") }
                let md5s = listed.compactMap { upload.parts[$0]?.md5 }
                guard !listed.isEmpty, md5s.count == listed.count else { return Self.error(400, "InvalidPart") }
                let etag = MultipartETag.multipart(partMD5s: md5s)
                let size = listed.reduce(Int64(0)) { $0 + upload.parts[$1]!.size }
                state.objectsByKey[upload.key] = Object(size: size, etag: etag, metadata: upload.metadata)
                return Self.xml("<CompleteMultipartUploadResult><Key>\(upload.key)</Key><ETag>\"\(etag)\"</ETag>"
                                + "</CompleteMultipartUploadResult>")
            }
            return result
        case "DELETE" where query["uploadId"] != nil:
            _ = state.withLock { $0.uploads.removeValue(forKey: query["uploadId"]!) }
            return HTTPResponse(status: 204)
        case "HEAD":
            guard let object = state.withLock({ $0.objectsByKey[key] }) else { return HTTPResponse(status: 404) }
            var headers: HTTPHeaders = ["Content-Length": String(object.size), "ETag": "\"\(object.etag)\""]
            for (name, value) in object.metadata { headers.add("x-amz-meta-" + name, value) }
            return HTTPResponse(status: 200, headers: headers)
        default:
            return Self.error(405, "MethodNotAllowed")
        }
    }

    private static func xml(_ text: String) -> HTTPResponse {
        HTTPResponse(status: 200, body: Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + text).utf8))
    }

    private static func error(_ status: Int, _ code: String) -> HTTPResponse {
        HTTPResponse(status: status, body: Array("<Error><Code>\(code)</Code><Message>fake</Message></Error>".utf8))
    }
}
