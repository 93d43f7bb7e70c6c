import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore

/// A part S3 holds for an upload in progress.
public struct S3UploadedPart: Sendable, Hashable {
    public var number: Int
    public var etag: String
    public var size: Int64
}

extension S3Client {
    /// CreateMultipartUpload with user metadata; returns the upload id.
    public func createMultipartUpload(bucket: String, key: String, metadata: [String: String] = [:],
                                      contentType: String? = nil) async throws -> String {
        var headers = HTTPHeaders(S3Client.metadataHeaders(metadata))
        if let contentType { headers.add("Content-Type", contentType) }
        let call = Call(operation: "CreateMultipartUpload", method: "POST", bucket: bucket, key: key,
                        query: [("uploads", nil)], headers: headers)
        let xml = try S3Client.xml(try await send(call), call.label)
        guard let uploadId = xml["UploadId"], !uploadId.isEmpty else {
            throw S3Error(code: "MalformedResponse", status: 200, message: "no UploadId in the answer", operation: call.label)
        }
        return uploadId
    }

    /// UploadPart of a file range with its Content-MD5; returns the part's ETag (no quotes).
    ///
    /// With a `hasher`, the body is hashed as it goes out (read once); when the hasher has a trailing checksum
    /// the body is sent `aws-chunked` with it (S3 verifies it before it keeps the part), else `contentMD5`, if
    /// any, is sent as usual.
    public func uploadPart(bucket: String, key: String, uploadId: String, partNumber: Int, body: HTTPBody,
                           contentMD5: [UInt8]?, hasher: BodyHasher? = nil, progress: HTTPProgress? = nil,
                           maxSendBytesPerSecond: Int64? = nil, sendLimiter: SendRateLimiter? = nil) async throws -> String {
        var headers = HTTPHeaders()
        if let contentMD5 { headers.add("Content-MD5", Data(contentMD5).base64EncodedString()) }
        var call = Call(operation: "UploadPart", method: "PUT", bucket: bucket, key: key,
                        query: [("partNumber", String(partNumber)), ("uploadId", uploadId)], headers: headers,
                        body: body, payload: .unsigned, progress: progress, maxSendBytesPerSecond: maxSendBytesPerSecond)
        call.sendLimiter = sendLimiter
        S3Client.hashWhileSending(&call, hasher: hasher)
        let response = try await send(call)
        return MultipartETag.normalized(response.s3Header("ETag") ?? "")
    }

    /// Attaches `hasher` to `call`, and the `aws-chunked` framing and headers of its trailing checksum if any.
    static func hashWhileSending(_ call: inout Call, hasher: BodyHasher?) {
        guard let hasher else { return }
        call.bodyObserver = hasher
        guard let checksum = hasher.trailingChecksum else { return }
        call.trailingChecksum = checksum
        call.payload = .streamingUnsignedTrailer
        call.headers.add("Content-Encoding", "aws-chunked")
        call.headers.add("x-amz-decoded-content-length", String(call.body.length))
        call.headers.add("x-amz-trailer", checksum.headerName)
    }

    /// CompleteMultipartUpload with the parts in order; returns the object's ETag (no quotes).
    ///
    /// The object appears at `key` when this succeeds, so it is sent again only when S3 proves it did not
    /// act (an error document, `SlowDown`); with `ifNoneMatch` S3 refuses it (412) when `key` already holds
    /// an object.
    public func completeMultipartUpload(bucket: String, key: String, uploadId: String,
                                        parts: [(number: Int, etag: String)], ifNoneMatch: Bool = false) async throws -> String {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts.sorted(by: { $0.number < $1.number }) {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\"\(S3XML.escape(part.etag))\"</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let body = Array(xml.utf8)
        var call = Call(operation: "CompleteMultipartUpload", method: "POST", bucket: bucket, key: key,
                        query: [("uploadId", uploadId)], headers: ["Content-Type": "application/xml"],
                        body: .bytes(body), payload: .bytes(body))
        call.errorIn200 = true  // S3 can answer 200 and then an <Error> document.
        call.repeatability = .onlyIfNotProcessed
        let document = try S3Client.xml(try await sendConditional(call, ifNoneMatch: ifNoneMatch), call.label)
        return MultipartETag.normalized(document["ETag"] ?? "")
    }

    /// AbortMultipartUpload (succeeds when the upload is already gone).
    public func abortMultipartUpload(bucket: String, key: String, uploadId: String) async throws {
        do {
            _ = try await send(Call(operation: "AbortMultipartUpload", method: "DELETE", bucket: bucket, key: key,
                                    query: [("uploadId", uploadId)], passStatuses: [404]))
        } catch let error as S3Error where error.code == "NoSuchUpload" {
            return
        }
    }

    /// ListParts, every page: the parts S3 holds for `uploadId`, by number.
    public func listParts(bucket: String, key: String, uploadId: String, maxPages: Int = 20) async throws -> [S3UploadedPart] {
        var parts: [S3UploadedPart] = []
        var marker: String?
        for _ in 0..<maxPages {
            var query: [(String, String?)] = [("uploadId", uploadId), ("max-parts", "1000")]
            if let marker { query.append(("part-number-marker", marker)) }
            let call = Call(operation: "ListParts", method: "GET", bucket: bucket, key: key, query: query)
            let xml = try S3Client.xml(try await send(call), call.label)
            for part in xml.all("Part") {
                guard let number = Int(part["PartNumber"] ?? "") else { continue }
                parts.append(S3UploadedPart(number: number, etag: MultipartETag.normalized(part["ETag"] ?? ""),
                                            size: Int64(part["Size"] ?? "") ?? 0))
            }
            guard xml["IsTruncated"] == "true", let next = xml["NextPartNumberMarker"], next != marker else { break }
            marker = next
        }
        return parts.sorted { $0.number < $1.number }
    }
}
