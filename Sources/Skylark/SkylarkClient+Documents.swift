extension SkylarkClient {
    /// Document types named `name` (`GET document-types/?name=`; the subtitles use "Text track").
    public func documentTypes(named name: String) async throws -> [DocumentType] {
        try await allPages("document-types/", query: [("name", name)], of: DocumentType.self)
    }

    /// Creates a document (`POST documents/` → 201 with `upload_document_url`).
    public func createDocument(_ request: CreateDocumentRequest) async throws -> Document {
        try await post("documents/", json: request, as: Document.self)
    }

    /// Creates a document of type `documentTypeURL` for the text track at `contentURL`.
    public func createDocument(documentTypeURL: String, contentURL: String, fileName: String, language: String,
                               title: String) async throws -> Document {
        try await createDocument(CreateDocumentRequest(documentTypeURL: documentTypeURL, contentURL: contentURL,
                                                       fileName: fileName, language: language, title: title))
    }

    /// The documents whose `content_url` is `contentURL` (a text track's `self`).
    public func documents(contentURL: String) async throws -> [Document] {
        try await allPages("documents/", query: [("content_url", contentURL)], of: Document.self)
    }

    /// The document with `uid`, or nil when Skylark has none.
    public func document(uid: String) async throws -> Document? {
        try await getIfPresent("documents/\(SkylarkClient.percentEncoded(uid))/", as: Document.self)
    }
}
