import Foundation
import IngestCore
import Skylark

/// An asset as the stages need it.
public struct RemoteAsset: Sendable, Hashable {
    public var uid: String
    /// The asset's `self` path (`/api/assets/asse_…/`).
    public var url: String
    public var slug: String?
    /// The title (reconcile adopts an asset only when it is the title we sent).
    public var title: String?
    /// The asset type's `self`.
    public var assetTypeURL: String?
    public var textTrackURLs: [String]
    /// Number of OVPs attached (Skylark adds them after processing the video).
    public var ovpCount: Int
    public var dataSourceID: String?

    public init(uid: String, url: String, slug: String? = nil, title: String? = nil, assetTypeURL: String? = nil,
                textTrackURLs: [String] = [], ovpCount: Int = 0, dataSourceID: String? = nil) {
        self.uid = uid
        self.url = url
        self.slug = slug
        self.title = title
        self.assetTypeURL = assetTypeURL
        self.textTrackURLs = textTrackURLs
        self.ovpCount = ovpCount
        self.dataSourceID = dataSourceID
    }
}

/// A text track.
public struct RemoteTextTrack: Sendable, Hashable {
    public var uid: String
    public var url: String
    public var language: String

    public init(uid: String, url: String, language: String) {
        self.uid = uid
        self.url = url
        self.language = language
    }
}

/// A document.
public struct RemoteDocument: Sendable, Hashable {
    public var uid: String
    public var url: String
    /// The text track it belongs to (`content_url`).
    public var contentURL: String
    /// Where to POST the file.
    public var uploadURL: String
    /// The uploaded file's URL; nil until the file is uploaded.
    public var fileURL: String?
    /// The document type's `self`, language and file name (reconcile compares them with what we sent).
    public var documentTypeURL: String?
    public var language: String?
    public var fileName: String?

    public init(uid: String, url: String, contentURL: String, uploadURL: String, fileURL: String? = nil,
                documentTypeURL: String? = nil, language: String? = nil, fileName: String? = nil) {
        self.uid = uid
        self.url = url
        self.contentURL = contentURL
        self.uploadURL = uploadURL
        self.fileURL = fileURL
        self.documentTypeURL = documentTypeURL
        self.language = language
        self.fileName = fileName
    }
}

/// What `POST assets/` sends.
public struct NewAsset: Sendable, Hashable {
    public var title: String
    public var slug: String
    public var assetTypeURL: String?
    public var fields: [String: JSONValue]

    public init(title: String, slug: String, assetTypeURL: String?, fields: [String: JSONValue] = [:]) {
        self.title = title
        self.slug = slug
        self.assetTypeURL = assetTypeURL
        self.fields = fields
    }
}

/// What `POST documents/` sends: the client's request as it is (the same five fields; nothing to adapt).
public typealias NewDocument = CreateDocumentRequest

/// A failure that came with the server's `Retry-After` (Skylark's 429 and 503 answers).
public protocol RetryAfterProviding: Error {
    /// How long the server asked to wait before trying again.
    var retryAfter: Duration? { get }
}

/// The Skylark API calls the stages make. Reads return nil for "not found" (404).
///
/// Write calls may commit on the server and still throw (rclone's `Put` contract): callers
/// reconcile through the read calls before trying a write again.
public protocol SkylarkService: Sendable {
    /// The `self` URL of the asset type named (or with uid) `nameOrUID`; nil when none matches.
    func assetTypeURL(_ nameOrUID: String) async throws -> String?
    /// The `self` URL of the document type named `name`; nil when none matches.
    func documentTypeURL(_ name: String) async throws -> String?
    func createAsset(_ asset: NewAsset) async throws -> RemoteAsset
    func asset(slug: String) async throws -> RemoteAsset?
    func asset(uid: String) async throws -> RemoteAsset?
    func asset(dataSourceID: String) async throws -> RemoteAsset?
    func createTextTrack(language: String, assetURL: String) async throws -> RemoteTextTrack
    /// The text track at `url` (a `self` path from `text_track_urls`).
    func textTrack(url: String) async throws -> RemoteTextTrack?
    func createDocument(_ document: NewDocument) async throws -> RemoteDocument
    func documents(contentURL: String) async throws -> [RemoteDocument]
    /// Uploads the file at `path` as `fileName` to a document's `upload_document_url`.
    func uploadDocumentFile(uploadURL: String, fileName: String, path: String) async throws -> RemoteDocument
}

/// An object's size and ETag from HEAD.
public struct ObjectInfo: Sendable, Hashable {
    public var size: Int64
    public var etag: String
    public var metadata: [String: String]

    public init(size: Int64, etag: String, metadata: [String: String] = [:]) {
        self.size = size
        self.etag = etag
        self.metadata = metadata
    }
}

/// The result of an upload.
public struct UploadOutcome: Sendable, Hashable {
    public var etag: String
    public var bytes: Int64

    public init(etag: String, bytes: Int64) {
        self.etag = etag
        self.bytes = bytes
    }
}

/// The watchfolder bucket, as the transfer and confirm stages need it.
public protocol ObjectStore: Sendable {
    /// The bucket name (reports record it).
    var bucket: String { get }
    /// HEAD `key`; nil when the object does not exist.
    func head(key: String) async throws -> ObjectInfo?
    /// Uploads the file at `path` to `key` with user `metadata`. `resume` is the state a previous
    /// attempt reported through `onState` (opaque JSON, with the parts reported since folded in); `onState`
    /// is called whenever the uploader's resumable state changes: the whole state when the upload is created
    /// or resumed, then each part as it finishes, and `.committing` right before the write that makes the
    /// object visible (an error thrown there stops the upload before that write); `progress` gets bytes sent.
    func upload(path: String, key: String, metadata: [String: String], resume: JSONValue?,
                onState: @escaping @Sendable (UploadStateChange) async throws -> Void,
                progress: @escaping @Sendable (Int64) -> Void) async throws -> UploadOutcome
    /// Every ETag an object holding exactly the file at `path` (`size` bytes) can have in this store,
    /// whichever way `upload` sent it (`resume`: the state an earlier attempt reported). Reads the file;
    /// asked only when an object of the right size is found.
    func contentETags(path: String, size: Int64, resume: JSONValue?) async throws -> Set<String>
}
