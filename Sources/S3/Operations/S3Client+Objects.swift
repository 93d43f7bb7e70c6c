import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore

/// What HEAD says about an object.
public struct S3ObjectInfo: Sendable, Hashable {
    /// Size in bytes.
    public var size: Int64
    /// The ETag without quotes.
    public var etag: String
    /// User metadata (`x-amz-meta-*`, names lower-case without the prefix).
    public var metadata: [String: String]
    /// `Content-Type`, when sent.
    public var contentType: String?
}

/// One entry of a listing.
public struct S3ObjectSummary: Sendable, Hashable {
    public var key: String
    public var size: Int64
    public var etag: String
}

/// The precondition of a conditional PutObject.
public enum S3WriteCondition: Sendable, Hashable {
    /// `If-None-Match: *`: only when the key holds no object.
    case ifNoneMatch
    /// `If-Match: "ETAG"`: only when the key's object has this ETag.
    case ifMatch(String)
}

/// What a conditional PutObject did.
public enum S3ConditionalPut: Sendable, Hashable {
    /// Stored; the new object's ETag (no quotes).
    case stored(etag: String)
    /// 412: the condition did not hold; nothing was stored.
    case preconditionFailed
}

/// One page of ListObjectsV2.
public struct S3ObjectPage: Sendable {
    public var objects: [S3ObjectSummary]
    /// The token for the next page; nil on the last one.
    public var nextContinuationToken: String?
}

extension S3Client {
    /// PutObject: uploads `body` to `bucket`/`key` with user metadata; returns the ETag (no quotes).
    ///
    /// `contentMD5` (raw 16 bytes) is sent as `Content-MD5` so S3 checks the bytes it got. With
    /// `ifNoneMatch`, `If-None-Match: *` makes S3 refuse (412 `PreconditionFailed`) when the key already
    /// holds an object; a store that does not implement the condition (501) gets the request once more
    /// without it. Sent again only when S3 proves it did not store it (`S3Repeatability.onlyIfNotProcessed`).
    /// With a `hasher` the body is hashed as it goes out, and sent `aws-chunked` with the hasher's trailing
    /// checksum when it has one (S3 verifies it before the object appears).
    /// With `checksumCRC32C` the body's CRC-32C goes as `x-amz-checksum-crc32c`; an answer that echoes it teaches
    /// `checksums` that the store checks it (`StoreChecksums`), one that echoes another value throws
    /// `S3_ETAG_MISMATCH`.
    public func putObject(bucket: String, key: String, body: HTTPBody, contentMD5: [UInt8]? = nil,
                          checksumCRC32C: UInt32? = nil, hasher: BodyHasher? = nil,
                          metadata: [String: String] = [:], contentType: String? = nil, ifNoneMatch: Bool = false,
                          progress: HTTPProgress? = nil, maxSendBytesPerSecond: Int64? = nil,
                          sendLimiter: SendRateLimiter? = nil) async throws -> String {
        var headers = HTTPHeaders(S3Client.metadataHeaders(metadata))
        if let contentType { headers.add("Content-Type", contentType) }
        if let contentMD5 { headers.add("Content-MD5", Data(contentMD5).base64EncodedString()) }
        let crc32c = checksumCRC32C.map(TrailingChecksum.base64(crc32c:))
        if let crc32c { headers.add(TrailingChecksum.crc32c.headerName, crc32c) }
        let payload: SigV4Payload
        if case .bytes(let bytes) = body { payload = .bytes(bytes) } else { payload = .unsigned }
        var call = Call(operation: "PutObject", method: "PUT", bucket: bucket, key: key, headers: headers, body: body,
                        payload: payload, progress: progress, maxSendBytesPerSecond: maxSendBytesPerSecond)
        call.sendLimiter = sendLimiter
        call.repeatability = .onlyIfNotProcessed
        S3Client.hashWhileSending(&call, hasher: hasher)
        let response = try await sendConditional(call, ifNoneMatch: ifNoneMatch)
        if let crc32c {
            try checksums.learn(sent: crc32c, echoed: response.s3Header(TrailingChecksum.crc32c.headerName),
                                what: "\(bucket)/\(key)")
        }
        return MultipartETag.normalized(response.s3Header("ETag") ?? "")
    }

    /// Sends `call` with `If-None-Match: *` when asked, and once more without it when the store answers
    /// 501 `NotImplemented` (it refused the request, so nothing was stored).
    func sendConditional(_ call: Call, ifNoneMatch: Bool) async throws -> HTTPResponse {
        guard ifNoneMatch else { return try await send(call) }
        var conditional = call
        conditional.headers.add("If-None-Match", "*")
        do {
            return try await send(conditional)
        } catch let error as S3Error where error.status == 501 {
            return try await send(call)
        }
    }

    /// A PutObject of small bytes under a precondition (the checkpoint journal's segments and lease): stored with
    /// its new ETag, or refused with 412. Never sent without its condition: a store that does not implement it
    /// (501 `NotImplemented`) throws that `S3Error`, and the caller must refuse the store. Repeated like a read:
    /// a copy that lands after the first did is refused by the condition itself (the caller reads the key to
    /// tell its own earlier attempt from another writer's object).
    public func putObject(bucket: String, key: String, bytes: [UInt8], condition: S3WriteCondition) async throws
        -> S3ConditionalPut {
        var headers = HTTPHeaders()
        headers.add("Content-MD5", Data(Digest.md5(bytes)).base64EncodedString())
        switch condition {
        case .ifNoneMatch: headers.add("If-None-Match", "*")
        case .ifMatch(let etag): headers.add("If-Match", "\"\(MultipartETag.normalized(etag))\"")
        }
        let call = Call(operation: "PutObject", method: "PUT", bucket: bucket, key: key, headers: headers,
                        body: .bytes(bytes), payload: .bytes(bytes), passStatuses: [412])
        let response = try await send(call)
        if response.status == 412 { return .preconditionFailed }
        return .stored(etag: MultipartETag.normalized(response.s3Header("ETag") ?? ""))
    }

    /// GetObject of a small object with its ETag, or nil when there is none.
    public func getObjectIfPresent(bucket: String, key: String) async throws -> (body: [UInt8], etag: String)? {
        let response = try await send(Call(operation: "GetObject", method: "GET", bucket: bucket, key: key,
                                           passStatuses: [404]))
        if response.status == 404 { return nil }
        return (response.body, MultipartETag.normalized(response.s3Header("ETag") ?? ""))
    }

    /// HeadObject: size, ETag and metadata, or nil when the object does not exist.
    public func headObject(bucket: String, key: String) async throws -> S3ObjectInfo? {
        let response = try await send(Call(operation: "HeadObject", method: "HEAD", bucket: bucket, key: key,
                                           passStatuses: [404]))
        if response.status == 404 { return nil }
        return S3ObjectInfo(size: Int64(response.s3Header("Content-Length") ?? "") ?? 0,
                            etag: MultipartETag.normalized(response.s3Header("ETag") ?? ""),
                            metadata: S3Client.metadata(from: response.headers),
                            contentType: response.s3Header("Content-Type"))
    }

    /// HeadBucket: succeeds when the bucket exists and the credentials may use it; throws `S3Error` otherwise
    /// (`NoSuchBucket` for 404, the auth error for 403).
    public func headBucket(_ bucket: String) async throws {
        let response = try await send(Call(operation: "HeadBucket", method: "HEAD", bucket: bucket, key: nil, passStatuses: [404]))
        if response.status == 404 {
            throw S3Error(code: "NoSuchBucket", status: 404, requestId: response.s3Header("x-amz-request-id"),
                          message: "the bucket does not exist", operation: "HeadBucket \(bucket)")
        }
    }

    /// GetObject of a small object into memory (the engine caps response sizes).
    public func getObject(bucket: String, key: String) async throws -> [UInt8] {
        try await send(Call(operation: "GetObject", method: "GET", bucket: bucket, key: key)).body
    }

    /// DeleteObject (succeeds when the key is already gone).
    public func deleteObject(bucket: String, key: String) async throws {
        _ = try await send(Call(operation: "DeleteObject", method: "DELETE", bucket: bucket, key: key, passStatuses: [404]))
    }

    /// CopyObject within S3, metadata copied (`x-amz-metadata-directive: COPY`); returns the new ETag.
    public func copyObject(sourceBucket: String, sourceKey: String, bucket: String, key: String) async throws -> String {
        var headers = HTTPHeaders()
        headers.add("x-amz-copy-source", "/\(S3PercentEncoding.encodeKey(sourceBucket))/\(S3PercentEncoding.encodeKey(sourceKey))")
        headers.add("x-amz-metadata-directive", "COPY")
        var call = Call(operation: "CopyObject", method: "PUT", bucket: bucket, key: key, headers: headers)
        call.errorIn200 = true  // CopyObject may answer 200 with an <Error> document.
        let xml = try S3Client.xml(try await send(call), call.label)
        return MultipartETag.normalized(xml["ETag"] ?? "")
    }

    /// CreateBucket (in the client's region; succeeds when we already own it).
    public func createBucket(_ bucket: String) async throws {
        var body: [UInt8] = []
        if configuration.region != "us-east-1" {
            body = Array(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        do {
            _ = try await send(Call(operation: "CreateBucket", method: "PUT", bucket: bucket, key: nil,
                                    body: body.isEmpty ? .none : .bytes(body), payload: .bytes(body)))
        } catch let error as S3Error where error.code == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    /// One page of ListObjectsV2 under `prefix`.
    public func listObjectsV2(bucket: String, prefix: String? = nil, continuationToken: String? = nil,
                              maxKeys: Int = 1000) async throws -> S3ObjectPage {
        var query: [(String, String?)] = [("list-type", "2")]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let prefix { query.append(("prefix", prefix)) }
        query.append(("max-keys", String(maxKeys)))
        query.append(("encoding-type", "url"))
        let call = Call(operation: "ListObjectsV2", method: "GET", bucket: bucket, key: nil, query: query)
        let xml = try S3Client.xml(try await send(call), call.label)
        let urlEncoded = xml["EncodingType"] == "url"
        let objects = xml.all("Contents").map { item in
            let rawKey = item["Key"] ?? ""
            return S3ObjectSummary(key: urlEncoded ? S3PercentEncoding.decode(rawKey.replacingOccurrences(of: "+", with: " ")) : rawKey,
                                   size: Int64(item["Size"] ?? "") ?? 0, etag: MultipartETag.normalized(item["ETag"] ?? ""))
        }
        let truncated = xml["IsTruncated"] == "true"
        return S3ObjectPage(objects: objects, nextContinuationToken: truncated ? xml["NextContinuationToken"] : nil)
    }

    /// Every object under `prefix`, following continuation tokens (bounded to `maxPages` pages).
    public func listAllObjects(bucket: String, prefix: String? = nil, maxPages: Int = 10_000) async throws -> [S3ObjectSummary] {
        var all: [S3ObjectSummary] = []
        var token: String?
        for _ in 0..<maxPages {
            let page = try await listObjectsV2(bucket: bucket, prefix: prefix, continuationToken: token)
            all += page.objects
            guard let next = page.nextContinuationToken else { break }
            token = next
        }
        return all
    }
}
