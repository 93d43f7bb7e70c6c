/// A document (`POST documents/`, `GET documents/UID/`): a text track's subtitle file.
public struct Document: Sendable, Hashable, Codable {
    /// `docu_<32 hex>`.
    public var uid: String
    /// The absolute path, e.g. `/api/documents/docu_…/`.
    public var selfURL: String
    /// The document type's `self`.
    public var documentTypeURL: String?
    /// The `self` of the object the document belongs to (a text track).
    public var contentURL: String?
    /// The file name.
    public var fileName: String?
    /// The language.
    public var language: String?
    /// The title.
    public var title: String?
    /// Where the uploaded file is served; nil until the file has been uploaded.
    public var url: String?
    /// The absolute URL to `POST` the file to (multipart field `file`).
    public var uploadDocumentURL: String?

    /// Creates a document.
    public init(uid: String, selfURL: String, documentTypeURL: String? = nil, contentURL: String? = nil,
                fileName: String? = nil, language: String? = nil, title: String? = nil, url: String? = nil,
                uploadDocumentURL: String? = nil) {
        self.uid = uid
        self.selfURL = selfURL
        self.documentTypeURL = documentTypeURL
        self.contentURL = contentURL
        self.fileName = fileName
        self.language = language
        self.title = title
        self.url = url
        self.uploadDocumentURL = uploadDocumentURL
    }

    /// Whether the file has been uploaded (`url` is set).
    public var isUploaded: Bool { url != nil }

    enum CodingKeys: String, CodingKey {
        case uid, selfURL = "self", documentTypeURL = "document_type_url", contentURL = "content_url"
        case fileName = "file_name", language, title, url, uploadDocumentURL = "upload_document_url"
    }
}

/// The body of `POST documents/`.
public struct CreateDocumentRequest: Sendable, Hashable, Encodable {
    /// The document type's `self` ("Text track").
    public var documentTypeURL: String
    /// The text track's `self`.
    public var contentURL: String
    /// The subtitle file's name.
    public var fileName: String
    /// The language.
    public var language: String
    /// The title.
    public var title: String

    /// Creates a request.
    public init(documentTypeURL: String, contentURL: String, fileName: String, language: String, title: String) {
        self.documentTypeURL = documentTypeURL
        self.contentURL = contentURL
        self.fileName = fileName
        self.language = language
        self.title = title
    }

    enum CodingKeys: String, CodingKey {
        case documentTypeURL = "document_type_url", contentURL = "content_url", fileName = "file_name"
        case language, title
    }
}
