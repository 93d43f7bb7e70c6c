import Foundation
import IngestCore
import Skylark

/// `SkylarkService` over the real API client.
public struct SkylarkAPIService: SkylarkService {
    public let client: SkylarkClient

    public init(client: SkylarkClient) { self.client = client }

    /// The path of the API root (`/api/`), for building `self` paths from uids.
    private var apiPath: String {
        guard let url = URL(string: client.apiURL) else { return "/api/" }
        let path = url.path.isEmpty ? "/" : url.path
        return path.hasSuffix("/") ? path : path + "/"
    }

    public func assetTypeURL(_ nameOrUID: String) async throws -> String? {
        if SkylarkUID.isValid(nameOrUID, kind: .assetType) {
            return apiPath + "asset-types/\(nameOrUID)/"
        }
        let types = try await client.assetTypes(named: nameOrUID)
        let wanted = nameOrUID.lowercased()
        return (types.first { $0.name.lowercased() == wanted || $0.slug?.lowercased() == wanted } ?? types.first)?.selfURL
    }

    public func documentTypeURL(_ name: String) async throws -> String? {
        let types = try await client.documentTypes(named: name)
        return (types.first { $0.name == name } ?? types.first)?.selfURL
    }

    public func createAsset(_ asset: NewAsset) async throws -> RemoteAsset {
        Self.remote(try await client.createAsset(CreateAssetRequest(title: asset.title, slug: asset.slug,
                                                                    assetTypeURL: asset.assetTypeURL, fields: asset.fields)))
    }

    public func asset(slug: String) async throws -> RemoteAsset? {
        try await client.assets(slug: slug).first { $0.slug == slug }.map(Self.remote)
    }

    public func asset(uid: String) async throws -> RemoteAsset? { try await client.asset(uid: uid).map(Self.remote) }

    public func asset(dataSourceID: String) async throws -> RemoteAsset? {
        try await client.asset(dataSourceID: dataSourceID).map(Self.remote)
    }

    public func createTextTrack(language: String, assetURL: String) async throws -> RemoteTextTrack {
        Self.remote(try await client.createTextTrack(languageCode: language, assetURL: assetURL))
    }

    public func textTrack(url: String) async throws -> RemoteTextTrack? { try await client.textTrack(url: url).map(Self.remote) }

    public func createDocument(_ document: NewDocument) async throws -> RemoteDocument {
        try Self.remote(try await client.createDocument(document))
    }

    public func documents(contentURL: String) async throws -> [RemoteDocument] {
        try await client.documents(contentURL: contentURL).compactMap { try? Self.remote($0) }
    }

    public func uploadDocumentFile(uploadURL: String, fileName: String, path: String) async throws -> RemoteDocument {
        try Self.remote(try await client.uploadDocumentFile(uploadURL: uploadURL, filePath: path, fileName: fileName))
    }

    static func remote(_ asset: Asset) -> RemoteAsset {
        RemoteAsset(uid: asset.uid, url: asset.selfURL, slug: asset.slug, title: asset.title,
                    assetTypeURL: asset.assetTypeURL, textTrackURLs: asset.textTrackURLs, ovpCount: asset.ovps.count,
                    dataSourceID: asset.dataSourceID)
    }

    static func remote(_ track: TextTrack) -> RemoteTextTrack {
        RemoteTextTrack(uid: track.uid, url: track.selfURL, language: track.languageCode)
    }

    static func remote(_ document: Document) throws -> RemoteDocument {
        guard let upload = document.uploadDocumentURL else {
            throw IngestError(code: .skylarkUnexpectedResponse, message: "document \(document.uid) has no upload_document_url")
        }
        return RemoteDocument(uid: document.uid, url: document.selfURL, contentURL: document.contentURL ?? "",
                              uploadURL: upload, fileURL: document.url, documentTypeURL: document.documentTypeURL,
                              language: document.language, fileName: document.fileName)
    }
}

/// Skylark's 429 and 503 answers carry `Retry-After`; the stages wait it out before reconciling.
extension SkylarkAPIError: RetryAfterProviding {}
