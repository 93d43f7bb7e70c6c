import Foundation
import IngestCore

/// An asset as the sandbox stores it; rendered to the wire shape by `SandboxStore+Rendering`.
public struct AssetRecord: Codable, Sendable, Equatable {
    public var uid: String
    public var title: String
    public var slug: String
    public var assetTypeUID: String?
    public var textTrackUIDs: [String]
    public var ovps: [OVPRecord]
    public var dataSourceID: String?
    /// Extra fields sent at creation, returned as they came.
    public var extra: [String: JSONValue]
}

/// An OVP attached to an asset by the watchfolder processor.
public struct OVPRecord: Codable, Sendable, Equatable {
    public var provider: String
    public var ovpID: String
    public var key: String
}

/// A text track linked to one or more assets.
public struct TextTrackRecord: Codable, Sendable, Equatable {
    public var uid: String
    public var languageCode: String
    public var assetUIDs: [String]
}

/// A document (a subtitle file's container) whose content is a text track.
public struct DocumentRecord: Codable, Sendable, Equatable {
    public var uid: String
    public var documentTypeUID: String
    /// The `self` path of the text track (or asset) the document belongs to.
    public var contentPath: String
    public var fileName: String
    public var language: String?
    public var title: String?
    /// The media path once the file was uploaded (`/media/documents/<uid>/<file_name>`).
    public var url: String?
    /// Size and SHA-256 of the uploaded file.
    public var uploadedBytes: Int?
    public var uploadedSHA256: String?
}

/// A seeded asset type (Episode, Movie, Trailer, Clip).
public struct AssetTypeRecord: Codable, Sendable, Equatable {
    public var uid: String
    public var name: String
    public var slug: String
}

/// A seeded document type ("Text track").
public struct DocumentTypeRecord: Codable, Sendable, Equatable {
    public var uid: String
    public var name: String
}

/// One watchfolder object the processor has ingested (one record per key).
public struct ProcessedObjectRecord: Codable, Sendable, Equatable {
    public var key: String
    /// ETag of the most recent version processed.
    public var etag: String
    public var size: Int64
    public var assetUID: String
    public var processedAt: Date
    /// How many times an object under this key was seen and processed (re-processing included).
    public var count: Int
    /// Every distinct ETag processed under this key.
    public var etags: [String]
    /// How many times an object appeared under this key and was processed: an upload processed and
    /// moved, then the same key uploaded again (even with the same bytes and ETag), counts twice. The
    /// processor picking up the same object again because its move did not finish does not count.
    public var timesProcessed: Int
    /// Whether the processor recorded the object but has not yet finished moving it out of the root.
    public var awaitingMove: Bool
}

extension ProcessedObjectRecord {
    private enum CodingKeys: String, CodingKey {
        case key, etag, size, assetUID, processedAt, count, etags, timesProcessed, awaitingMove
    }

    /// Decodes a record; states saved before `timesProcessed` existed count one processing per ETag.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decode(String.self, forKey: .key)
        etag = try c.decode(String.self, forKey: .etag)
        size = try c.decode(Int64.self, forKey: .size)
        assetUID = try c.decode(String.self, forKey: .assetUID)
        processedAt = try c.decode(Date.self, forKey: .processedAt)
        count = try c.decode(Int.self, forKey: .count)
        etags = try c.decode([String].self, forKey: .etags)
        timesProcessed = try c.decodeIfPresent(Int.self, forKey: .timesProcessed) ?? etags.count
        awaitingMove = try c.decodeIfPresent(Bool.self, forKey: .awaitingMove) ?? false
    }
}

/// A watchfolder object the processor refused (moved to `failed/<key>`).
public struct WatchfolderErrorRecord: Codable, Sendable, Equatable {
    public var key: String
    public var etag: String
    public var code: String
    public var message: String
    public var at: Date
}

/// Everything the sandbox persists in `state.json`.
public struct SandboxState: Codable, Sendable, Equatable {
    public var assetTypes: [AssetTypeRecord]
    public var documentTypes: [DocumentTypeRecord]
    public var assets: [AssetRecord]
    public var textTracks: [TextTrackRecord]
    public var documents: [DocumentRecord]
    public var processedObjects: [ProcessedObjectRecord]
    public var watchfolderErrors: [WatchfolderErrorRecord]
    /// Request counters: route template → status → count.
    public var requests: [String: [String: Int]]
    /// Number of POST/PUT/PATCH/DELETE requests that reached the API (faulted ones included).
    public var writeRequests: Int

    /// An empty state with the seeded asset and document types.
    public static func seeded() -> SandboxState {
        SandboxState(
            assetTypes: [("Episode", "episode"), ("Movie", "movie"), ("Trailer", "trailer"), ("Clip", "clip")].map {
                AssetTypeRecord(uid: UID.make(.assetType), name: $0.0, slug: $0.1)
            },
            documentTypes: [DocumentTypeRecord(uid: UID.make(.documentType), name: "Text track")],
            assets: [], textTracks: [], documents: [], processedObjects: [], watchfolderErrors: [],
            requests: [:], writeRequests: 0)
    }
}
