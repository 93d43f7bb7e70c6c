import CryptoPrimitives
import IngestCore

extension SandboxStore {
    /// Document types whose name equals `name` case-insensitively (all when nil).
    public func documentTypes(name: String?) -> [DocumentTypeRecord] {
        guard let name else { return state.documentTypes }
        return state.documentTypes.filter { $0.name.lowercased() == name.lowercased() }
    }

    /// The document type `uid`, or 404.
    public func documentType(uid: String) throws(APIError) -> DocumentTypeRecord {
        guard let type = state.documentTypes.first(where: { $0.uid == uid }) else {
            throw .notFound("No document type with uid \(uid).")
        }
        return type
    }

    /// Creates a document whose content is an existing text track (or asset).
    public mutating func createDocument(_ body: [String: JSONValue]) throws(APIError) -> DocumentRecord {
        var errors: [String: [String]] = [:]
        var typeUID = ""
        switch body["document_type_url"] {
        case .string(let reference):
            if let uid = SkylarkUID.parse(reference, kind: .documentType), state.documentTypes.contains(where: { $0.uid == uid }) {
                typeUID = uid
            } else {
                errors["document_type_url"] = ["Invalid hyperlink - object does not exist: \(reference)"]
            }
        default: errors["document_type_url"] = ["This field is required."]
        }
        var contentPath = ""
        switch body["content_url"] {
        case .string(let reference):
            if let path = resolveContent(reference) {
                contentPath = path
            } else {
                errors["content_url"] = ["Invalid hyperlink - object does not exist: \(reference)"]
            }
        default: errors["content_url"] = ["This field is required."]
        }
        var fileName = ""
        switch body["file_name"] {
        case .string(let value) where Self.isValidFileName(value): fileName = value
        case .string(let value) where !value.isEmpty: errors["file_name"] = ["File names cannot contain '/' or NUL."]
        default: errors["file_name"] = ["This field is required."]
        }
        let language = Self.optionalString(body["language"], field: "language", errors: &errors)
        let title = Self.optionalString(body["title"], field: "title", errors: &errors)
        guard errors.isEmpty else { throw .form(errors) }
        let document = DocumentRecord(uid: UID.make(.document), documentTypeUID: typeUID, contentPath: contentPath,
                                      fileName: fileName, language: language, title: title, url: nil,
                                      uploadedBytes: nil, uploadedSHA256: nil)
        appendDocument(document)
        return document
    }

    private static func optionalString(_ value: JSONValue?, field: String, errors: inout [String: [String]]) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text): return text
        default:
            errors[field] = ["Not a valid string."]
            return nil
        }
    }

    static func isValidFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }

    /// The canonical `self` path of the text track or asset `reference` names, if it exists.
    func resolveContent(_ reference: String) -> String? {
        if let uid = SkylarkUID.parse(reference, kind: .textTrack), textTrackPosition(uid) != nil {
            return SkylarkUID.path(.textTrack, uid)
        }
        if let uid = SkylarkUID.parse(reference, kind: .asset), assetPosition(uid) != nil {
            return SkylarkUID.path(.asset, uid)
        }
        return nil
    }

    /// The documents of `contentURL` (a text track's `self`), or every document when nil.
    public func documents(contentURL: String?) -> [DocumentRecord] {
        guard let contentURL else { return state.documents }
        guard let path = resolveContent(contentURL) else { return [] }
        return documentPositions(content: path).map { state.documents[$0] }
    }

    /// The document `uid`, or 404.
    public func document(uid: String) throws(APIError) -> DocumentRecord {
        guard let i = documentPosition(uid) else { throw .notFound("No document with uid \(uid).") }
        return state.documents[i]
    }

    /// Records the upload of `bytes` as the document's file; a second upload is 400 BAD_REQUEST.
    ///
    /// Returns the updated document; the caller stores the bytes at `url` under the state directory.
    public mutating func uploadDocument(uid: String, bytes: [UInt8]) throws(APIError) -> DocumentRecord {
        guard let i = documentPosition(uid) else { throw .notFound("No document with uid \(uid).") }
        guard state.documents[i].url == nil else {
            throw .badRequest("file already uploaded for document \(uid)")
        }
        updateDocument(at: i) { document in
            document.url = "/media/documents/\(uid)/\(document.fileName)"
            document.uploadedBytes = bytes.count
            document.uploadedSHA256 = Hex.encode(Digest.sha256(bytes))
        }
        return state.documents[i]
    }
}
