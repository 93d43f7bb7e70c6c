import Foundation

import CryptoPrimitives

/// The ETag S3 gives an object, computed locally from MD5s.
public enum MultipartETag {
    /// A single PUT's ETag: the hex MD5 of the object.
    public static func single(md5: [UInt8]) -> String { Hex.encode(md5) }

    /// A multipart upload's ETag: hex MD5 of the concatenated raw part MD5s, then `-N`.
    public static func multipart(partMD5s: [[UInt8]]) -> String {
        var digest = StreamingDigest(.md5)
        for md5 in partMD5s { digest.update(md5) }
        return Hex.encode(digest.finalize()) + "-\(partMD5s.count)"
    }

    /// An ETag without its double quotes (S3 sends `"…"`), lower-cased.
    public static func normalized(_ etag: String) -> String {
        var value = etag.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.hasPrefix("W/") { value.removeFirst(2) }
        if value.hasPrefix("\"") { value.removeFirst() }
        if value.hasSuffix("\"") { value.removeLast() }
        return value.lowercased()
    }
}
