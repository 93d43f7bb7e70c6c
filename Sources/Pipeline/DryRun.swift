import Foundation
import IngestCore
import Skylark

/// The plan lines of a dry run, in order: collected, or handed one at a time to a writer as they come
/// (`run --dry-run` prints them so: a 100,000-item plan is 500,000 lines, some 70 MB held until the end).
public final class PlanLog: Sendable {
    private struct State {
        var lines: [String] = []
        var count = 0
    }

    private let state = Locked(State())
    private let writer: (@Sendable (String) -> Void)?

    /// A log that keeps every line (`all`).
    public init() { writer = nil }

    /// A log that keeps none: `write` gets each line when it is added (one at a time, in order).
    public init(writingEach write: @escaping @Sendable (String) -> Void) { writer = write }

    /// Adds a line.
    public func add(_ line: String) {
        state.withLock { state in
            state.count += 1
            if let writer { writer(line) } else { state.lines.append(line) }
        }
    }

    /// Every line so far (none when the log writes its lines instead).
    public var all: [String] { state.withLock { $0.lines } }

    /// Number of lines added so far.
    public var count: Int { state.withLock { $0.count } }
}

/// A Skylark service for `--dry-run` (restic's dry-run backend): reads pass through to `base`,
/// writes become plan lines and answer with placeholder objects. Nothing is created.
public struct DryRunSkylark: SkylarkService {
    public let base: any SkylarkService
    public let log: PlanLog

    public init(base: any SkylarkService, log: PlanLog) {
        self.base = base
        self.log = log
    }

    private static func placeholder(_ prefix: String, _ seed: String) -> String {
        "\(prefix)_" + Fingerprint.fnv1a64(seed) + Fingerprint.fnv1a64(seed + "#")
    }

    public func assetTypeURL(_ nameOrUID: String) async throws -> String? { try await base.assetTypeURL(nameOrUID) }
    public func documentTypeURL(_ name: String) async throws -> String? { try await base.documentTypeURL(name) }
    public func asset(slug: String) async throws -> RemoteAsset? { try await base.asset(slug: slug) }
    public func asset(uid: String) async throws -> RemoteAsset? {
        if uid.hasPrefix("dryr") { return RemoteAsset(uid: uid, url: "/api/assets/\(uid)/") }
        return try await base.asset(uid: uid)
    }
    public func asset(dataSourceID: String) async throws -> RemoteAsset? { try await base.asset(dataSourceID: dataSourceID) }
    public func textTrack(url: String) async throws -> RemoteTextTrack? { try await base.textTrack(url: url) }
    public func documents(contentURL: String) async throws -> [RemoteDocument] {
        contentURL.contains("dryr") ? [] : try await base.documents(contentURL: contentURL)
    }

    public func createAsset(_ asset: NewAsset) async throws -> RemoteAsset {
        log.add("create asset slug=\(asset.slug) title=\(asset.title)")
        let uid = Self.placeholder("dryr", asset.slug)
        return RemoteAsset(uid: uid, url: "/api/assets/\(uid)/", slug: asset.slug, title: asset.title,
                           assetTypeURL: asset.assetTypeURL)
    }

    public func createTextTrack(language: String, assetURL: String) async throws -> RemoteTextTrack {
        log.add("create text track \(language) for \(assetURL)")
        let uid = Self.placeholder("dryr", assetURL + language)
        return RemoteTextTrack(uid: uid, url: "/api/text-tracks/\(uid)/", language: language)
    }

    public func createDocument(_ document: NewDocument) async throws -> RemoteDocument {
        log.add("create document \(document.fileName) (\(document.language)) for \(document.contentURL)")
        let uid = Self.placeholder("dryr", document.contentURL)
        return RemoteDocument(uid: uid, url: "/api/documents/\(uid)/", contentURL: document.contentURL,
                              uploadURL: "dry-run://documents/\(uid)/upload/", documentTypeURL: document.documentTypeURL,
                              language: document.language, fileName: document.fileName)
    }

    public func uploadDocumentFile(uploadURL: String, fileName: String, path: String) async throws -> RemoteDocument {
        log.add("upload subtitle \(path)")
        return RemoteDocument(uid: "dryr", url: "", contentURL: "", uploadURL: uploadURL, fileURL: "dry-run")
    }
}

/// An object store for `--dry-run`: HEAD passes through, uploads become plan lines.
public struct DryRunObjectStore: ObjectStore {
    public let base: any ObjectStore
    public let log: PlanLog

    public init(base: any ObjectStore, log: PlanLog) {
        self.base = base
        self.log = log
    }

    public var bucket: String { base.bucket }
    public func head(key: String) async throws -> ObjectInfo? { try await base.head(key: key) }
    public func contentETags(path: String, size: Int64, resume: JSONValue?) async throws -> Set<String> {
        try await base.contentETags(path: path, size: size, resume: resume)
    }

    public func upload(path: String, key: String, metadata: [String: String], resume: JSONValue?,
                       onState: @escaping @Sendable (UploadStateChange) async throws -> Void,
                       progress: @escaping @Sendable (Int64) -> Void) async throws -> UploadOutcome {
        var info = stat()
        let size = stat(path, &info) == 0 ? Int64(info.st_size) : 0
        let meta = metadata.isEmpty ? "" : " metadata " + metadata.keys.sorted().map { "\($0)=\(metadata[$0]!)" }
            .joined(separator: " ")
        log.add("upload \(path) → s3://\(bucket)/\(key) (\(size) bytes)\(meta)")
        return UploadOutcome(etag: "dry-run", bytes: size)
    }
}

/// The reads of a dry run with no network configured: nothing exists remotely, every asset
/// type and the document type resolve to placeholders. With it, `--dry-run` needs no server.
public struct OfflineSkylark: SkylarkService {
    public init() {}
    public func assetTypeURL(_ nameOrUID: String) async throws -> String? { "/api/asset-types/\(nameOrUID)/" }
    public func documentTypeURL(_ name: String) async throws -> String? { "/api/document-types/text-track/" }
    public func asset(slug: String) async throws -> RemoteAsset? { nil }
    public func asset(uid: String) async throws -> RemoteAsset? { RemoteAsset(uid: uid, url: "/api/assets/\(uid)/") }
    public func asset(dataSourceID: String) async throws -> RemoteAsset? { nil }
    public func textTrack(url: String) async throws -> RemoteTextTrack? { nil }
    public func documents(contentURL: String) async throws -> [RemoteDocument] { [] }
    public func createAsset(_ asset: NewAsset) async throws -> RemoteAsset { throw offline }
    public func createTextTrack(language: String, assetURL: String) async throws -> RemoteTextTrack { throw offline }
    public func createDocument(_ document: NewDocument) async throws -> RemoteDocument { throw offline }
    public func uploadDocumentFile(uploadURL: String, fileName: String, path: String) async throws -> RemoteDocument {
        throw offline
    }
    private var offline: IngestError { IngestError(code: .offline, message: "no writes without a network") }
}

/// The object store of an offline dry run: no object exists.
public struct OfflineObjectStore: ObjectStore {
    public let bucket: String
    public init(bucket: String) { self.bucket = bucket }
    public func head(key: String) async throws -> ObjectInfo? { nil }
    public func contentETags(path: String, size: Int64, resume: JSONValue?) async throws -> Set<String> { [] }
    public func upload(path: String, key: String, metadata: [String: String], resume: JSONValue?,
                       onState: @escaping @Sendable (UploadStateChange) async throws -> Void,
                       progress: @escaping @Sendable (Int64) -> Void) async throws -> UploadOutcome {
        throw IngestError(code: .offline, message: "no writes without a network")
    }
}
