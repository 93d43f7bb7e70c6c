/// Everything the journal knows about one item: per-stage status and the results the next stages need.
public struct ItemState: Sendable, Hashable {
    public var id: String
    /// Fingerprint of the item's definition when it was planned (see `ItemDefinition`).
    public var definition: String? {
        get { packedDefinition?.text }
        set { packedDefinition = newValue.map(PackedString.init) }
    }
    /// Per-field fingerprints, `name=hash` joined by commas, to name what drifted.
    public var definitionFields: String? {
        get { packedDefinitionFields?.text }
        set { packedDefinitionFields = newValue.map(PackedFieldHashes.init) }
    }
    public var assetUID: String? {
        get { packedAssetUID?.text }
        set { packedAssetUID = newValue.map(PackedString.init) }
    }
    /// Kept as a flag when it is the asset's API path (`/api/assets/<uid>/`), as nearly always.
    public var assetURL: String? {
        get { packedAssetURL?.text }
        set { packedAssetURL = newValue.map(PackedString.init) }
    }
    // Stored properties are laid out in the order they are declared: the 8-byte-aligned ones come
    // first and the odd-sized ones last, so a 100,000-item table carries little padding.
    public var tracks: [TrackState] = []
    public var bucket: String?
    public var key: String?
    public var etag: String?
    /// The time of the item's first and last work record (intent, done, failed), in milliseconds since
    /// 1970 (0 = none yet): across runs, from its first effect to its last.
    public var startedAt: Int64 = 0
    public var endedAt: Int64 = 0
    /// The multipart uploader's resumable state, opaque here: the state last recorded whole
    /// (`upload_state`) with the parts recorded after it (`upload_part`) folded into its `completedParts`.
    /// Setting it replaces both.
    public var uploadState: JSONValue? {
        get { upload.value.folded }
        set { upload.value = UploadDetail(state: newValue) }
    }
    /// The upload in progress, boxed: a large run's finished items have none. Internal, not private:
    /// the replay (`ItemState+Replay.swift`) appends parts to it.
    var upload = Sparse<UploadDetail>()
    // The fingerprint, the asset's uid and its path packed (see `PackedString`).
    var packedDefinition: PackedString?
    var packedAssetUID: PackedString? {
        get { assetUIDStorage }
        set {
            let url = packedAssetURL
            assetUIDStorage = newValue
            packedAssetURL = url
        }
    }
    /// The asset's path: only a flag (`assetURLIsUIDPath`) when it is the uid's API path, as it nearly
    /// always is; any other in a box (`otherAssetURL`).
    var packedAssetURL: PackedString? {
        get { assetURLIsUIDPath ? assetUIDStorage?.apiPath(.assets) : otherAssetURL.value.url }
        set {
            assetURLIsUIDPath = newValue != nil && newValue == assetUIDStorage?.apiPath(.assets)
            otherAssetURL.value = OtherURL(url: assetURLIsUIDPath ? nil : newValue)
        }
    }
    private var otherAssetURL = Sparse<OtherURL>()
    private var assetUIDStorage: PackedString?
    var packedDefinitionFields: PackedFieldHashes?
    public var bytes: Int64? {
        get { hasBytes ? bytesValue : nil }
        set { (hasBytes, bytesValue) = (newValue != nil, newValue ?? 0) }
    }
    public var ovpCount: Int? {
        get { hasOVPCount ? ovpCountValue : nil }
        set { (hasOVPCount, ovpCountValue) = (newValue != nil, newValue ?? 0) }
    }
    private var bytesValue: Int64 = 0
    private var ovpCountValue = 0
    /// The four work stages (see `StageStates`).
    var stages = StageStates()
    private var hasBytes = false
    private var hasOVPCount = false
    public var processed = false
    /// The asset existed before the item and `--on-existing adopt` took it (it was not created).
    public var assetAdopted = false
    private var assetURLIsUIDPath = false

    public var assets: StageState {
        get { stages[.assets] }
        set { stages[.assets] = newValue }
    }
    public var documents: StageState {
        get { stages[.documents] }
        set { stages[.documents] = newValue }
    }
    public var transfer: StageState {
        get { stages[.transfer] }
        set { stages[.transfer] = newValue }
    }
    public var confirm: StageState {
        get { stages[.confirm] }
        set { stages[.confirm] = newValue }
    }

    public init(id: String) { self.id = id }

    /// The state of `stage` (validate has none: it is redone every run).
    public subscript(stage: Stage) -> StageState {
        get { stages[stage] }
        set { stages[stage] = newValue }
    }

    /// The track for `language`, if any was recorded.
    public func track(_ language: String) -> TrackState? { tracks.first { $0.language == language } }

    /// Whether any external effect may exist for this item (an intent or a result was recorded).
    public var hasEffects: Bool {
        [Stage.assets, .documents, .transfer, .confirm].contains { stage in
            let s = self[stage]
            return s.status == .done || s.status == .inProgress || !s.openIntents.isEmpty
        }
    }
}
