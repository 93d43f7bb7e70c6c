/// A document type (`GET document-types/?name=Text%20track`).
public struct DocumentType: Sendable, Hashable, Codable {
    /// `doct_<32 hex>`.
    public var uid: String
    /// The absolute path; what a document's `document_type_url` takes.
    public var selfURL: String
    /// The name, e.g. `Text track`.
    public var name: String

    /// Creates a document type.
    public init(uid: String, selfURL: String, name: String) {
        self.uid = uid
        self.selfURL = selfURL
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case uid, selfURL = "self", name
    }
}
