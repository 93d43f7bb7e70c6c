import CryptoPrimitives
import Foundation
import HTTPEngine
import IngestCore

extension SkylarkClient {
    /// The largest file `uploadDocumentFile` sends (the body is built in memory; subtitles are small).
    public static let maxDocumentFileBytes = 50 * 1024 * 1024

    /// Uploads the file at `filePath` as `fileName` to a document's `upload_document_url`
    /// (multipart/form-data, one field `file`) and returns the document with `url` set.
    /// A second upload to the same document fails with `SKYLARK_BAD_REQUEST`.
    public func uploadDocumentFile(uploadURL: String, filePath: String, fileName: String) async throws -> Document {
        let contents = try await SkylarkClient.readSmallFile(filePath, limit: SkylarkClient.maxDocumentFileBytes)
        let form = MultipartForm(fieldName: "file", fileName: fileName,
                                 contentType: MultipartForm.contentType(forFileName: fileName), contents: contents)
        let response = try await send("POST", uploadURL, body: .bytes(form.body), contentType: form.contentTypeHeader)
        return try decode(Document.self, from: response, method: "POST", reference: uploadURL)
    }

    /// Reads a file of at most `limit` bytes off the cooperative pool.
    static func readSmallFile(_ path: String, limit: Int) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try readSmallFileNow(path, limit: limit) })
            }
        }
    }

    private static func readSmallFileNow(_ path: String, limit: Int) throws -> [UInt8] {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw IngestError(code: .fileRead, message: "cannot read the subtitle file \(path)",
                              hint: "check that the file exists and is readable")
        }
        guard size <= limit else {
            throw IngestError(code: .skylarkFileTooLarge,
                              message: "the subtitle file \(path) has \(size) bytes; at most \(limit) can be uploaded")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IngestError(code: .fileRead, message: "cannot read the subtitle file \(path)",
                              hint: "check that the file exists and is readable")
        }
        return Array(data)
    }
}

/// A `multipart/form-data` body with one file field (RFC 7578), built in memory.
struct MultipartForm: Sendable {
    let boundary: String
    let body: [UInt8]

    init(fieldName: String, fileName: String, contentType: String, contents: [UInt8],
         boundary: String = "skylark-" + Hex.encode(SecureRandom.bytes(16))) {
        self.boundary = boundary
        let head = "--\(boundary)\r\n"
            + "Content-Disposition: form-data; name=\"\(MultipartForm.quoted(fieldName))\"; "
            + "filename=\"\(MultipartForm.quoted(fileName))\"\r\n"
            + "Content-Type: \(contentType)\r\n\r\n"
        body = Array(head.utf8) + contents + Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// The request's `Content-Type`.
    var contentTypeHeader: String { "multipart/form-data; boundary=\(boundary)" }

    /// A quoted-string value with `"`, CR and LF percent-encoded (as browsers do).
    static func quoted(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// The media type of a subtitle file by its extension.
    static func contentType(forFileName name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "srt": return "application/x-subrip"
        case "vtt": return "text/vtt"
        default: return "application/octet-stream"
        }
    }
}
