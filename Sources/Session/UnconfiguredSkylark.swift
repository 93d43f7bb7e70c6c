import IngestCore
import Pipeline

/// The Skylark service of a run whose stages never call the API (e.g. `--stages transfer`).
struct UnconfiguredSkylark: SkylarkService {
    private var error: IngestError {
        IngestError(code: .skylarkNotConfigured, message: "this run's stages do not use the Skylark API")
    }
    func assetTypeURL(_ nameOrUID: String) async throws -> String? { throw error }
    func documentTypeURL(_ name: String) async throws -> String? { throw error }
    func createAsset(_ asset: NewAsset) async throws -> RemoteAsset { throw error }
    func asset(slug: String) async throws -> RemoteAsset? { throw error }
    func asset(uid: String) async throws -> RemoteAsset? { throw error }
    func asset(dataSourceID: String) async throws -> RemoteAsset? { throw error }
    func createTextTrack(language: String, assetURL: String) async throws -> RemoteTextTrack { throw error }
    func textTrack(url: String) async throws -> RemoteTextTrack? { throw error }
    func createDocument(_ document: NewDocument) async throws -> RemoteDocument { throw error }
    func documents(contentURL: String) async throws -> [RemoteDocument] { throw error }
    func uploadDocumentFile(uploadURL: String, fileName: String, path: String) async throws -> RemoteDocument { throw error }
}
