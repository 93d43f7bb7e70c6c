import Foundation
import IngestCore
import Skylark
@testable import Pipeline

/// An in-memory Skylark with the wire semantics the stages rely on, write counters, fault
/// injection and a crash switch.
actor FakeSkylark: SkylarkService {
    struct Asset: Sendable {
        var remote: RemoteAsset
        var title: String
        var fields: [String: JSONValue]
    }

    private(set) var assets: [String: Asset] = [:]
    private(set) var textTracks: [String: (track: RemoteTextTrack, assetURL: String)] = [:]
    private(set) var documents: [String: RemoteDocument] = [:]
    /// Write requests that reached the server (including failed ones).
    private(set) var writeCount = 0
    private(set) var createAssetCalls = 0
    /// Requests per write call kind (including failed ones).
    private(set) var calls: [WriteCall: Int] = [:]
    /// What each document was created with (type, language, file name), by document uid.
    private(set) var documentRequests: [String: NewDocument] = [:]
    /// Faults for the next calls of a kind, consumed in order (before `faults` is consulted).
    private var scripted: [WriteCall: [ScriptedFault]] = [:]
    var faults = FaultPlan.none
    /// Crash (throw `SimulatedCrash` and go dead) when the write counter reaches this.
    var crashAtWrite: Int?
    private(set) var dead = false
    var onCrash: @Sendable () -> Void = {}
    private var counter = 0
    let assetTypes = ["episode": "asty_" + String(repeating: "1", count: 32), "movie": "asty_" + String(repeating: "2", count: 32)]

    func configure(faults: FaultPlan = .none, crashAtWrite: Int? = nil, onCrash: @escaping @Sendable () -> Void = {}) {
        self.faults = faults
        self.crashAtWrite = crashAtWrite
        self.onCrash = onCrash
        self.dead = false
    }

    private func uid(_ prefix: String) -> String {
        counter += 1
        let hex = String(counter, radix: 16)
        return prefix + "_" + String(repeating: "0", count: 32 - hex.count) + hex
    }

    private func checkAlive() throws {
        landDueTextTracks()
        if dead { throw SimulatedCrash() }
    }

    /// Text tracks a dead writer sent, committed at their instant (applied before any call made after it).
    private var lateTextTracks: [(at: ContinuousClock.Instant, language: String, assetURL: String)] = []

    /// A text-track POST of a dead writer that Skylark commits at `instant`.
    func landTextTrack(language: String, assetURL: String, at instant: ContinuousClock.Instant) {
        lateTextTracks.append((instant, language, assetURL))
    }

    /// Commits the late text tracks whose instant has come.
    func landDueTextTracks() {
        let now = ContinuousClock.now
        for late in lateTextTracks where late.at <= now { _ = try? insertTextTrack(language: late.language, assetURL: late.assetURL) }
        lateTextTracks.removeAll { $0.at <= now }
    }

    /// Plans `faults` for the next calls of `call` (one fault per call, in order).
    func script(_ call: WriteCall, _ faults: ScriptedFault...) { scripted[call, default: []] += faults }

    /// Runs a write with the planned fault; `commit` changes the state and returns the answer.
    private func write<T>(_ call: WriteCall, _ commit: () throws -> T) throws -> T {
        try checkAlive()
        writeCount += 1
        calls[call, default: 0] += 1
        if var queue = scripted[call], !queue.isEmpty {
            let fault = queue.removeFirst()
            scripted[call] = queue
            if fault.commits { _ = try commit() }
            throw fault.error
        }
        if let crashAtWrite, writeCount >= crashAtWrite {
            // Crash: the request may or may not have been committed.
            if writeCount % 2 == 0 { _ = try? commit() }
            dead = true
            onCrash()
            throw SimulatedCrash()
        }
        switch faults.next() {
        case .none: return try commit()
        case .fail: throw injected500
        case .commitThenFail:
            _ = try commit()
            throw injected500
        }
    }

    // MARK: Reads

    func assetTypeURL(_ nameOrUID: String) async throws -> String? {
        try checkAlive()
        if let uid = assetTypes[nameOrUID.lowercased()] { return "/api/asset-types/\(uid)/" }
        if assetTypes.values.contains(nameOrUID) { return "/api/asset-types/\(nameOrUID)/" }
        return nil
    }

    func documentTypeURL(_ name: String) async throws -> String? {
        try checkAlive()
        return name == "Text track" ? "/api/document-types/doct_\(String(repeating: "3", count: 32))/" : nil
    }

    func asset(slug: String) async throws -> RemoteAsset? {
        try checkAlive()
        return assets.values.first { $0.remote.slug == slug }?.remote
    }

    func asset(uid: String) async throws -> RemoteAsset? {
        try checkAlive()
        return assets[uid]?.remote
    }

    func asset(dataSourceID: String) async throws -> RemoteAsset? {
        try checkAlive()
        return assets.values.first { $0.remote.dataSourceID == dataSourceID }?.remote
    }

    func textTrack(url: String) async throws -> RemoteTextTrack? {
        try checkAlive()
        return textTracks.values.first { $0.track.url == url }?.track
    }

    func documents(contentURL: String) async throws -> [RemoteDocument] {
        try checkAlive()
        return documents.values.filter { $0.contentURL == contentURL }.sorted { $0.uid < $1.uid }
    }

    // MARK: Writes

    func createAsset(_ request: NewAsset) async throws -> RemoteAsset {
        createAssetCalls += 1
        return try write(.createAsset) {
            if assets.values.contains(where: { $0.remote.slug == request.slug }) {
                throw IngestError(code: .skylarkFormValidation, message: "slug: An asset with this slug already exists.")
            }
            let uid = uid("asse")
            let remote = RemoteAsset(uid: uid, url: "/api/assets/\(uid)/", slug: request.slug, title: request.title,
                                     assetTypeURL: request.assetTypeURL)
            assets[uid] = Asset(remote: remote, title: request.title, fields: request.fields)
            return remote
        }
    }

    func createTextTrack(language: String, assetURL: String) async throws -> RemoteTextTrack {
        try write(.createTextTrack) { try insertTextTrack(language: language, assetURL: assetURL) }
    }

    private func insertTextTrack(language: String, assetURL: String) throws -> RemoteTextTrack {
        guard let assetUID = assets.values.first(where: { $0.remote.url == assetURL })?.remote.uid else {
            throw IngestError(code: .skylarkFormValidation, message: "asset_urls: unknown asset")
        }
        let uid = uid("text")
        let track = RemoteTextTrack(uid: uid, url: "/api/text-tracks/\(uid)/", language: language)
        textTracks[uid] = (track, assetURL)
        assets[assetUID]!.remote.textTrackURLs.append(track.url)
        return track
    }

    func createDocument(_ request: NewDocument) async throws -> RemoteDocument {
        try write(.createDocument) { insertDocument(request) }
    }

    private func insertDocument(_ request: NewDocument) -> RemoteDocument {
        let uid = uid("docu")
        let document = RemoteDocument(uid: uid, url: "/api/documents/\(uid)/", contentURL: request.contentURL,
                                      uploadURL: "http://fake/api/documents/\(uid)/upload/",
                                      documentTypeURL: request.documentTypeURL, language: request.language,
                                      fileName: request.fileName)
        documents[uid] = document
        documentRequests[uid] = request
        return document
    }

    func uploadDocumentFile(uploadURL: String, fileName: String, path: String) async throws -> RemoteDocument {
        try write(.upload) {
            guard let uid = documents.values.first(where: { $0.uploadURL == uploadURL })?.uid else {
                throw IngestError(code: .skylarkNotFound, message: "no such document")
            }
            if documents[uid]!.fileURL != nil {
                throw IngestError(code: .skylarkBadRequest, message: "file already uploaded")
            }
            documents[uid]!.fileURL = "/media/documents/\(uid)/\(fileName)"
            return documents[uid]!
        }
    }

    // MARK: Objects that exist before the run (another catalogue, an earlier tool)

    /// Adds an asset as another client would have created it.
    @discardableResult
    func seedAsset(title: String, slug: String, assetTypeURL: String? = nil) -> RemoteAsset {
        let uid = uid("asse")
        let remote = RemoteAsset(uid: uid, url: "/api/assets/\(uid)/", slug: slug, title: title, assetTypeURL: assetTypeURL)
        assets[uid] = Asset(remote: remote, title: title, fields: [:])
        return remote
    }

    /// Adds a text track of `language` to the asset `assetUID` as another client would have.
    @discardableResult
    func seedTextTrack(language: String, assetUID: String) -> RemoteTextTrack {
        let uid = uid("text")
        let track = RemoteTextTrack(uid: uid, url: "/api/text-tracks/\(uid)/", language: language)
        let assetURL = assets[assetUID]!.remote.url
        textTracks[uid] = (track, assetURL)
        assets[assetUID]!.remote.textTrackURLs.append(track.url)
        return track
    }

    /// Adds a document as another client would have created it.
    @discardableResult
    func seedDocument(_ request: NewDocument) -> RemoteDocument { insertDocument(request) }

    // MARK: Processing (what Skylark does after the watchfolder upload)

    /// Attaches an OVP for `key`: to the asset named in the metadata, or a new simple-mode asset.
    func process(key: String, metadata: [String: String]) {
        if let json = metadata["asset"], case .object(let fields)? = JSONValue.parse(json),
           let uid = fields["uid"]?.stringValue, assets[uid] != nil {
            assets[uid]!.remote.ovpCount += 1
            return
        }
        let dataSource = ((key as NSString).lastPathComponent as NSString).deletingPathExtension
        let uid = uid("asse")
        assets[uid] = Asset(remote: RemoteAsset(uid: uid, url: "/api/assets/\(uid)/", ovpCount: 1,
                                                dataSourceID: dataSource), title: dataSource, fields: [:])
    }
}
