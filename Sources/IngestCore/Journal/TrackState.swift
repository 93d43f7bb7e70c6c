/// One subtitle's remote objects: text track, document, and whether the file was uploaded.
public struct TrackState: Sendable, Hashable {
    public var language: String
    public var textTrackUID: String? {
        get { packedTextTrackUID?.text }
        set { packedTextTrackUID = newValue.map(PackedString.init) }
    }
    public var textTrackURL: String? {
        get { packedTextTrackURL?.text }
        set { packedTextTrackURL = newValue.map(PackedString.init) }
    }
    public var documentUID: String? {
        get { packedDocumentUID?.text }
        set { packedDocumentUID = newValue.map(PackedString.init) }
    }
    public var documentURL: String? {
        get { packedDocumentURL?.text }
        set { packedDocumentURL = newValue.map(PackedString.init) }
    }
    public var uploadURL: String? {
        get { pending.value.uploadURL }
        set { pending.value.uploadURL = newValue }
    }
    /// The asset's `text_track_urls` when the `text_track:<lang>` intent was recorded (nil: none
    /// recorded): reconcile adopts no track among them. Kept until the text track is recorded.
    public var existingTextTrackURLs: [String]? {
        get { pending.value.existingTextTracks }
        set { pending.value.existingTextTracks = newValue }
    }
    // Uids and their API paths packed: a 100,000-item state holds hundreds of thousands of them.
    var packedTextTrackUID: PackedString? {
        get { textTrackUIDStorage }
        set {
            let url = packedTextTrackURL
            textTrackUIDStorage = newValue
            packedTextTrackURL = url
        }
    }
    /// Only a flag (`textTrackURLIsUIDPath`) when it is the uid's API path, as it nearly always is;
    /// any other in the box of rare values.
    var packedTextTrackURL: PackedString? {
        get { textTrackURLIsUIDPath ? textTrackUIDStorage?.apiPath(.textTracks) : pending.value.otherTextTrackURL }
        set {
            textTrackURLIsUIDPath = newValue != nil && newValue == textTrackUIDStorage?.apiPath(.textTracks)
            pending.value.otherTextTrackURL = textTrackURLIsUIDPath ? nil : newValue
        }
    }
    private var textTrackUIDStorage: PackedString?
    var packedDocumentUID: PackedString?
    public var uploaded = false
    private var textTrackURLIsUIDPath = false
    /// The document's URLs until its file is uploaded (no stage needs them afterwards, and nearly
    /// every track of a large finished run is uploaded), and the asset's earlier tracks until the
    /// text track is recorded.
    private var pending = Sparse<PendingDocument>()
    var packedDocumentURL: PackedString? {
        get { pending.value.documentURL }
        set { pending.value.documentURL = newValue }
    }

    public init(language: String) { self.language = language }
}

/// A document's URLs before its upload; the asset's earlier tracks before the text track is recorded; a
/// text track URL that is not its uid's API path.
private struct PendingDocument: SparseValue {
    var documentURL: PackedString?
    var uploadURL: String?
    var existingTextTracks: [String]?
    var otherTextTrackURL: PackedString?
    static let empty = PendingDocument()
}
