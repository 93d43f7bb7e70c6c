import Foundation
import IngestCore
import Pipeline
import Skylark
import Synchronization

/// Counts write calls (the resume must make none).
final class WriteCounter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// A Skylark that answers at once and keeps nothing (benchmarks only).
struct NullSkylark: SkylarkService {
    var counter = WriteCounter()

    private static func uid(_ prefix: String, _ seed: String) -> String {
        prefix + "_" + Fingerprint.fnv1a64(seed) + Fingerprint.fnv1a64(seed + "/")
    }

    func assetTypeURL(_ nameOrUID: String) async throws -> String? { "/api/asset-types/asty_bench/" }
    func documentTypeURL(_ name: String) async throws -> String? { "/api/document-types/doct_bench/" }
    func createAsset(_ asset: NewAsset) async throws -> RemoteAsset {
        counter.add()
        let uid = Self.uid("asse", asset.slug)
        return RemoteAsset(uid: uid, url: "/api/assets/\(uid)/", slug: asset.slug)
    }
    func asset(slug: String) async throws -> RemoteAsset? { nil }
    func asset(uid: String) async throws -> RemoteAsset? { RemoteAsset(uid: uid, url: "/api/assets/\(uid)/") }
    func asset(dataSourceID: String) async throws -> RemoteAsset? { nil }
    func createTextTrack(language: String, assetURL: String) async throws -> RemoteTextTrack {
        counter.add()
        let uid = Self.uid("text", assetURL + language)
        return RemoteTextTrack(uid: uid, url: "/api/text-tracks/\(uid)/", language: language)
    }
    func textTrack(url: String) async throws -> RemoteTextTrack? { nil }
    func createDocument(_ document: NewDocument) async throws -> RemoteDocument {
        counter.add()
        let uid = Self.uid("docu", document.contentURL)
        return RemoteDocument(uid: uid, url: "/api/documents/\(uid)/", contentURL: document.contentURL,
                              uploadURL: "http://bench/api/documents/\(uid)/upload/")
    }
    func documents(contentURL: String) async throws -> [RemoteDocument] { [] }
    func uploadDocumentFile(uploadURL: String, fileName: String, path: String) async throws -> RemoteDocument {
        counter.add()
        return RemoteDocument(uid: "docu_bench", url: "", contentURL: "", uploadURL: uploadURL, fileURL: "/media/x")
    }
}

/// An object store that accepts every upload at once and keeps nothing (benchmarks only).
struct NullObjectStore: ObjectStore {
    var counter = WriteCounter()
    var bucket: String { "bench" }
    func head(key: String) async throws -> ObjectInfo? { nil }
    func contentETags(path: String, size: Int64, resume: JSONValue?) async throws -> Set<String> { [] }
    func upload(path: String, key: String, metadata: [String: String], resume: JSONValue?,
                onState: @escaping @Sendable (UploadStateChange) async throws -> Void,
                progress: @escaping @Sendable (Int64) -> Void) async throws -> UploadOutcome {
        try await onState(.committing)
        counter.add()
        return UploadOutcome(etag: "\"bench\"", bytes: 0)
    }
}
