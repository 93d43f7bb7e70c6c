import Foundation
import IngestCore

/// What happened, for progress output and logs.
public struct PipelineEvent: Sendable {
    public enum Kind: Sendable, Hashable {
        case stageStarted
        case stageSucceeded
        case stageFailed
        /// The item finished this run with `outcome`.
        case itemFinished
        /// `bytes` more bytes of video were sent.
        case bytesSent
        /// A warning (drift re-plan, torn journal tail) that does not fail anything.
        case warning
    }

    public var kind: Kind
    public var item: String
    public var stage: Stage?
    public var outcome: ItemOutcome?
    public var error: IngestError?
    public var bytes: Int64
    public var message: String?

    public init(kind: Kind, item: String, stage: Stage? = nil, outcome: ItemOutcome? = nil,
                error: IngestError? = nil, bytes: Int64 = 0, message: String? = nil) {
        self.kind = kind
        self.item = item
        self.stage = stage
        self.outcome = outcome
        self.error = error
        self.bytes = bytes
        self.message = message
    }
}

/// Receives pipeline events (called concurrently; keep it cheap).
public typealias PipelineEventSink = @Sendable (PipelineEvent) -> Void

/// Per-run lookups done once and shared by every item: asset type and document type URLs.
///
/// Items that ask while the first lookup is on its way wait for it instead of sending their own (a run
/// starts many items at once). A lookup that failed is forgotten, so the next item asks again.
actor LookupCache {
    private var assetTypes: [String: Task<String?, any Error>] = [:]
    private var documentType: Task<String?, any Error>?

    /// The asset type URL for `name` (looked up once per run).
    func assetTypeURL(_ name: String, skylark: any SkylarkService, retry: Retrier) async throws -> String {
        let key = name.lowercased()
        let lookup = assetTypes[key] ?? Task { try await retry.read({ try await skylark.assetTypeURL(name) }) }
        assetTypes[key] = lookup
        let found: String?
        do { found = try await lookup.value } catch {
            if assetTypes[key] == lookup { assetTypes[key] = nil }
            throw error
        }
        guard let url = found else {
            throw IngestError(code: .skylarkAssetTypeNotFound, stage: .assets,
                              message: "no asset type named '\(name)'",
                              hint: "use an asset type name or uid that exists in this Skylark account")
        }
        return url
    }

    /// The "Text track" document type URL (looked up once per run).
    func textTrackDocumentTypeURL(skylark: any SkylarkService, retry: Retrier) async throws -> String {
        let lookup = documentType ?? Task { try await retry.read({ try await skylark.documentTypeURL("Text track") }) }
        documentType = lookup
        let found: String?
        do { found = try await lookup.value } catch {
            if documentType == lookup { documentType = nil }
            throw error
        }
        guard let url = found else {
            throw IngestError(code: .skylarkDocumentTypeNotFound, stage: .documents,
                              message: "the Skylark account has no 'Text track' document type")
        }
        return url
    }
}

/// `run --on-existing`: what the assets stage does when an item's slug belongs to an asset this run did
/// not create.
public enum OnExisting: String, Sendable, CaseIterable {
    /// Fail the item with `SKYLARK_SLUG_TAKEN` (the default).
    case fail
    /// Adopt the asset when it is the one the manifest describes (same title, same asset type when the
    /// item names one); otherwise fail as `fail` does, the hint naming the difference.
    case adopt
}

/// Everything a stage needs: the checkpoint, the two services, shared lookups and settings.
public struct StageContext: Sendable {
    public var checkpoint: Checkpoint
    public var skylark: any SkylarkService
    public var store: any ObjectStore
    public var retry: Retrier
    /// Longest wait for Skylark to process a video in `confirm`.
    public var confirmTimeout: Duration
    /// Pause between polls in `confirm`.
    public var pollInterval: Duration
    /// What to do with an asset that already holds an item's slug.
    public var onExisting: OnExisting
    public var events: PipelineEventSink
    let cache = LookupCache()

    public init(checkpoint: Checkpoint, skylark: any SkylarkService, store: any ObjectStore, retry: Retrier = Retrier(),
                confirmTimeout: Duration = .seconds(300), pollInterval: Duration = .seconds(2),
                onExisting: OnExisting = .fail, events: @escaping PipelineEventSink = { _ in }) {
        self.checkpoint = checkpoint
        self.skylark = skylark
        self.store = store
        self.retry = retry
        self.confirmTimeout = confirmTimeout
        self.pollInterval = pollInterval
        self.onExisting = onExisting
        self.events = events
    }
}
