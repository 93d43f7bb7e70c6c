/// A change to an item's resumable multipart upload, as the transfer stage journals it.
///
/// The uploader's state (upload id, part size, the file's size and mtime, bucket, key: opaque here) is
/// recorded whole when the upload is created or resumed, in an `upload_state` record, and then each part
/// as it finishes, in an `upload_part` record of its number and ETag: an upload of n parts costs n short
/// lines, not n ever longer lists. The replay folds the parts into the state (`ItemState.uploadState`),
/// and compaction writes the folded state.
public enum UploadStateChange: Sendable, Hashable {
    /// The uploader's whole state; `.null` when nothing needs keeping any more.
    case state(JSONValue)
    /// One more part S3 acknowledged.
    case part(number: Int, etag: String)
    /// The write that makes the object visible (the single PUT, or CompleteMultipartUpload) goes out next:
    /// once sent it may land at any moment, even after this process is gone. Journaled durably as the
    /// transfer's intent (`transfer/upload`) before it is sent; parts, invisible until then, need none.
    case committing
}

/// One part of a multipart upload, as an `upload_part` record gives it.
struct UploadedPart: Sendable, Hashable {
    var number: Int
    var etag: String
}

/// An item's multipart upload: the state last recorded whole and the parts recorded after it.
///
/// Equal when they fold to the same state: a compacted journal (parts folded in) replays equal to the
/// journal it was made from.
struct UploadDetail: SparseValue {
    /// The uploader's state as last recorded whole (opaque JSON).
    var state: JSONValue?
    /// Parts recorded after `state`, in the order recorded (for a part recorded twice, the later counts).
    var parts: [UploadedPart] = []

    static let empty = UploadDetail()

    var isEmpty: Bool { state == nil && parts.isEmpty }

    /// `state` with `parts` folded into its `completedParts` (`[{number, etag}]`, sorted by number).
    var folded: JSONValue? {
        guard let state, !parts.isEmpty, case .object(var fields) = state else { return state }
        var etags: [Int: String] = [:]
        if case .array(let recorded)? = fields["completedParts"] {
            for case .object(let part) in recorded {
                if let number = part["number"]?.int64Value, let etag = part["etag"]?.stringValue { etags[Int(number)] = etag }
            }
        }
        for part in parts { etags[part.number] = part.etag }
        fields["completedParts"] = .array(etags.keys.sorted().map { number in
            .object(["number": .number(Double(number)), "etag": .string(etags[number]!)])
        })
        return .object(fields)
    }

    static func == (a: UploadDetail, b: UploadDetail) -> Bool {
        (a.state == b.state && a.parts == b.parts) || a.folded == b.folded
    }

    func hash(into hasher: inout Hasher) { hasher.combine(folded) }
}
