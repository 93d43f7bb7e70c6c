import IngestCore

/// The sandbox's model: every object, the rules the real API applies, and nothing else.
///
/// A pure value type (no I/O, no clock: times are parameters); the `StoreKeeper` actor owns the
/// one live instance and persists its `state`. Operations throw `APIError` exactly as the API answers.
public struct SandboxStore: Sendable {
    /// The persisted objects.
    public private(set) var state: SandboxState

    // Indexes rebuilt from `state`: uid → array position, and the lookup keys the API offers.
    private var assetIndex: [String: Int] = [:]
    private var slugIndex: [String: Int] = [:]
    private var dataSourceIndex: [String: Int] = [:]
    private var textTrackIndex: [String: Int] = [:]
    private var documentIndex: [String: Int] = [:]
    private var documentsByContent: [String: [Int]] = [:]
    private var processedIndex: [String: Int] = [:]

    /// A store over `state` (default: empty with the seeded types).
    public init(state: SandboxState = .seeded()) {
        self.state = state
        reindex()
    }

    private mutating func reindex() {
        assetIndex = [:]; slugIndex = [:]; dataSourceIndex = [:]
        for (i, asset) in state.assets.enumerated() { indexAsset(asset, at: i) }
        textTrackIndex = Dictionary(uniqueKeysWithValues: state.textTracks.enumerated().map { ($1.uid, $0) })
        documentIndex = [:]; documentsByContent = [:]
        for (i, document) in state.documents.enumerated() {
            documentIndex[document.uid] = i
            documentsByContent[document.contentPath, default: []].append(i)
        }
        processedIndex = Dictionary(uniqueKeysWithValues: state.processedObjects.enumerated().map { ($1.key, $0) })
    }

    private mutating func indexAsset(_ asset: AssetRecord, at i: Int) {
        assetIndex[asset.uid] = i
        slugIndex[asset.slug] = i
        if let id = asset.dataSourceID { dataSourceIndex[id] = i }
    }

    /// Clears every object and counter and seeds the types again.
    public mutating func reset() {
        state = .seeded()
        reindex()
    }

    // MARK: Lookups shared by the concerns

    func assetPosition(_ uid: String) -> Int? { assetIndex[uid] }
    func assetPosition(slug: String) -> Int? { slugIndex[slug] }
    func assetPosition(dataSourceID: String) -> Int? { dataSourceIndex[dataSourceID] }
    func textTrackPosition(_ uid: String) -> Int? { textTrackIndex[uid] }
    func documentPosition(_ uid: String) -> Int? { documentIndex[uid] }
    func documentPositions(content: String) -> [Int] { documentsByContent[content] ?? [] }
    func processedPosition(_ key: String) -> Int? { processedIndex[key] }

    mutating func appendAsset(_ asset: AssetRecord) {
        state.assets.append(asset)
        indexAsset(asset, at: state.assets.count - 1)
    }

    mutating func updateAsset(at i: Int, _ body: (inout AssetRecord) -> Void) {
        body(&state.assets[i])
    }

    mutating func appendTextTrack(_ track: TextTrackRecord) {
        state.textTracks.append(track)
        textTrackIndex[track.uid] = state.textTracks.count - 1
    }

    mutating func appendDocument(_ document: DocumentRecord) {
        state.documents.append(document)
        documentIndex[document.uid] = state.documents.count - 1
        documentsByContent[document.contentPath, default: []].append(state.documents.count - 1)
    }

    mutating func updateDocument(at i: Int, _ body: (inout DocumentRecord) -> Void) {
        body(&state.documents[i])
    }

    mutating func upsertProcessed(_ record: ProcessedObjectRecord) {
        if let i = processedIndex[record.key] {
            state.processedObjects[i] = record
        } else {
            state.processedObjects.append(record)
            processedIndex[record.key] = state.processedObjects.count - 1
        }
    }

    mutating func appendWatchfolderError(_ error: WatchfolderErrorRecord) {
        state.watchfolderErrors.append(error)
    }

    // MARK: Counters

    /// Counts one request answered with `status` under `route` (e.g. `POST /api/assets/`).
    public mutating func countRequest(route: String, status: Int, isWrite: Bool) {
        state.requests[route, default: [:]][String(status), default: 0] += 1
        if isWrite { state.writeRequests += 1 }
    }
}

/// One page of a list answer.
public struct Page<Element: Sendable>: Sendable {
    public var objects: [Element]
    public var start: Int
    public var limit: Int
    public var total: Int

    /// The page `[start, start+limit)` of `all`.
    public init(_ all: [Element], start: Int, limit: Int) {
        self.start = start
        self.limit = limit
        total = all.count
        objects = start < all.count ? Array(all[start..<min(all.count, start + limit)]) : []
    }
}
