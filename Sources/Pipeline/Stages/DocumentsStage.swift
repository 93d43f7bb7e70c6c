import Foundation
import IngestCore
import Skylark

/// `documents`: per subtitle, a text track, then a "Text track" document, then the file upload.
///
/// Each of the three effects has its own durable intent (`text_track:<lang>`, `document:<lang>`,
/// `upload:<lang>`). Reconcile: text tracks through the asset's `text_track_urls` (by language),
/// documents through `documents(content_url:)`, uploads through the document's non-null `url`.
/// A write whose outcome is unknown is reconciled the same way before it is sent again.
/// Subtitles of different languages run concurrently; each one's three steps stay in order.
///
/// Reconcile adopts only what this item asked for:
/// - a text track of the subtitle's language that the asset did not have when the intent was
///   recorded (the intent keeps the asset's `text_track_urls` of that moment) and that no other
///   subtitle of the item has adopted;
/// - a document on our text track with our document type, language and file name.
///
/// An asset given by `uid` may already carry a text track of a language the manifest brings. That
/// track is not ours and is never adopted; the item fails with `SKYLARK_TEXT_TRACK_EXISTS` before
/// anything is created for it. A second track of the same language would show viewers two
/// subtitles of one language with no way for the tool to say which one the migration meant, and
/// nothing it creates can be taken back; the operator decides (drop the subtitle from the manifest,
/// or remove the old track in Skylark, then run again with `--retry-failed`).
enum DocumentsStage {
    /// The text tracks the asset had before this stage created any, other than the item's own.
    struct EarlierTracks: Sendable {
        /// The asset's `text_track_urls` as read at the start (empty for assets this tool created).
        var urls: [String] = []
        /// Those of them no subtitle of this item recorded as its own, with their languages.
        var foreign: [RemoteTextTrack] = []
    }

    static func run(_ asset: ManifestAsset, _ ctx: StageContext) async throws {
        let id = asset.id
        let skylark = ctx.skylark
        let start = ctx.checkpoint.item(id)
        guard let assetUID = start.assetUID ?? asset.uid else {
            throw IngestError(code: .pipelineMissingInput, item: id, stage: .documents,
                              message: "the checkpoint has no asset for this item", hint: "run the assets stage first")
        }
        let needed = asset.subtitles.filter { start.track($0.language)?.textTrackUID == nil }
        // An asset given by `uid` may have text tracks of its own: read them before creating ours. An
        // asset this tool created has only the tracks the journal records (done or with an intent).
        let assetURL: String
        let earlier: EarlierTracks
        if let known = start.assetURL, asset.uid == nil || needed.isEmpty {
            assetURL = known
            earlier = EarlierTracks()
        } else {
            guard let remote = try await ctx.retry.read({ try await skylark.asset(uid: assetUID) }) else {
                throw IngestError(code: .skylarkAssetNotFound, item: id, stage: .documents,
                                  message: "asset \(assetUID) does not exist")
            }
            assetURL = start.assetURL ?? remote.url
            earlier = asset.uid == nil ? EarlierTracks()
                : try await earlierTracks(of: remote, adopted: Set(start.tracks.compactMap(\.textTrackURL)), ctx)
        }
        // Refuse before creating anything: a language the asset already has from someone else.
        for subtitle in needed where !start.documents.openIntents.contains(JournalOp.textTrack(language: subtitle.language).name) {
            if let theirs = earlier.foreign.first(where: { sameLanguage($0.language, subtitle.language) }) {
                throw trackExists(id, assetUID, theirs)
            }
        }
        // Each language's chain (text track → document → upload) is independent of the others', so
        // they run side by side: an item's documents take one chain's round trips, not the sum.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for subtitle in asset.subtitles {
                group.addTask {
                    try await runTrack(asset, subtitle, assetUID: assetUID, assetURL: assetURL, earlier: earlier, ctx)
                }
            }
            try await group.waitForAll()
        }
        try await ctx.checkpoint.record(id, .documentsDone, durable: false)
    }

    /// The asset's tracks that no subtitle of the item has recorded, with their languages.
    private static func earlierTracks(of remote: RemoteAsset, adopted: Set<String>,
                                      _ ctx: StageContext) async throws -> EarlierTracks {
        let skylark = ctx.skylark
        var earlier = EarlierTracks(urls: remote.textTrackURLs)
        for url in remote.textTrackURLs where !adopted.contains(url) {
            if let track = try await ctx.retry.read({ try await skylark.textTrack(url: url) }) {
                earlier.foreign.append(track)
            }
        }
        return earlier
    }

    private static func runTrack(_ asset: ManifestAsset, _ subtitle: ManifestSubtitle, assetUID: String,
                                 assetURL: String, earlier: EarlierTracks, _ ctx: StageContext) async throws {
        let id = asset.id
        let skylark = ctx.skylark
        let language = subtitle.language
        let fileName = (subtitle.path as NSString).lastPathComponent
        let state = ctx.checkpoint.item(id)
        var track = state.track(language) ?? TrackState(language: language)

        // 1. The text track.
        if track.textTrackUID == nil {
            let op = JournalOp.textTrack(language: language).name
            // Tracks other subtitles of the item recorded are theirs, not this one's.
            let adopted = Set(state.tracks.filter { $0.language != language }.compactMap(\.textTrackURL))
            // A track of our language the asset did not have before the intent (`before`).
            let find = { (before: [String]) -> @Sendable () async throws -> RemoteTextTrack? in
                let skip = adopted.union(before)
                return {
                    guard let remote = try await skylark.asset(uid: assetUID) else { return nil }
                    for url in remote.textTrackURLs where !skip.contains(url) {
                        if let candidate = try await skylark.textTrack(url: url),
                           sameLanguage(candidate.language, language) { return candidate }
                    }
                    return nil
                }
            }
            var found: RemoteTextTrack?
            if state.documents.openIntents.contains(op) {
                // The tracks the asset had when the intent was recorded (none recorded: an asset of ours,
                // or a journal written before they were).
                found = try await ctx.retry.read(find(track.existingTextTrackURLs ?? []))
            }
            if found == nil {
                if let theirs = earlier.foreign.first(where: { sameLanguage($0.language, language) }) {
                    throw trackExists(id, assetUID, theirs)
                }
                try await ctx.checkpoint.record(id, .textTrackIntent(language: language, existingTextTracks: earlier.urls))
                found = try await ctx.retry.write(item: id, stage: .documents, {
                    try await skylark.createTextTrack(language: language, assetURL: assetURL)
                }, reconcile: find(earlier.urls))
            }
            guard let found else { throw inconsistent(id, "a text track after creating it", language: language) }
            try await ctx.checkpoint.record(id, .textTrack(language: language, uid: found.uid, url: found.url),
                                            durable: false)
            // Go on with what was recorded (`state`'s intents of the next ops are unchanged by it).
            track.textTrackUID = found.uid
            track.textTrackURL = found.url
        }
        guard let trackURL = track.textTrackURL else {
            throw inconsistent(id, "the text track's URL (text_track_url)", language: language)
        }

        // 2. The document.
        if track.documentUID == nil {
            let op = JournalOp.document(language: language).name
            let typeURL = try await ctx.cache.textTrackDocumentTypeURL(skylark: skylark, retry: ctx.retry)
            let request = NewDocument(documentTypeURL: typeURL, contentURL: trackURL, fileName: fileName,
                                      language: language, title: subtitle.title ?? fileName)
            let find: @Sendable () async throws -> RemoteDocument? = {
                try await skylark.documents(contentURL: trackURL).first { isWhatWeAsked($0, request) }
            }
            var found: RemoteDocument?
            if state.documents.openIntents.contains(op) { found = try await ctx.retry.read(find) }
            if found == nil {
                try await ctx.checkpoint.record(id, .documentIntent(language: language))
                found = try await ctx.retry.write(item: id, stage: .documents, { try await skylark.createDocument(request) },
                                                  reconcile: find)
            }
            guard let found else { throw inconsistent(id, "a document after creating it", language: language) }
            try await ctx.checkpoint.record(id, .document(language: language, uid: found.uid, url: found.url,
                                                          uploadURL: found.uploadURL, uploaded: found.fileURL != nil),
                                            durable: false)
            track.documentUID = found.uid
            track.uploadURL = found.uploadURL
            track.uploaded = found.fileURL != nil
        }

        // 3. The file upload.
        if !track.uploaded {
            let op = JournalOp.fileUpload(language: language).name
            guard let documentUID = track.documentUID else {
                throw inconsistent(id, "the document's uid (document_uid)", language: language)
            }
            guard let uploadURL = track.uploadURL else {
                throw inconsistent(id, "the document's upload URL (upload_url)", language: language)
            }
            let uploaded: @Sendable () async throws -> RemoteDocument? = {
                try await skylark.documents(contentURL: trackURL).first { $0.uid == documentUID && $0.fileURL != nil }
            }
            var done = false
            if state.documents.openIntents.contains(op) { done = try await ctx.retry.read(uploaded) != nil }
            if !done {
                try await ctx.checkpoint.record(id, .fileUploadIntent(language: language))
                do {
                    _ = try await ctx.retry.write(item: id, stage: .documents, {
                        try await skylark.uploadDocumentFile(uploadURL: uploadURL, fileName: fileName,
                                                             path: subtitle.path)
                    }, reconcile: uploaded)
                } catch {
                    // "file already uploaded" after an ambiguous first attempt: the upload happened.
                    guard try await ctx.retry.read(uploaded) != nil else { throw error }
                }
            }
            try await ctx.checkpoint.record(id, .fileUploaded(language: language), durable: false)
        }
    }

    /// Whether `document` is the one `request` asks for: on our text track, with our document type,
    /// language and file name.
    static func isWhatWeAsked(_ document: RemoteDocument, _ request: NewDocument) -> Bool {
        guard SkylarkReference.same(document.contentURL, request.contentURL),
              let type = document.documentTypeURL, SkylarkReference.same(type, request.documentTypeURL),
              let language = document.language, sameLanguage(language, request.language) else { return false }
        return document.fileName == request.fileName
    }

    static func sameLanguage(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }

    static func trackExists(_ id: String, _ assetUID: String, _ theirs: RemoteTextTrack) -> IngestError {
        IngestError(code: .skylarkTextTrackExists, item: id, stage: .documents,
                    message: "asset \(assetUID) already has a \(theirs.language) text track (\(theirs.uid)) that this "
                        + "item did not create; a second \(theirs.language) track is not made and that one is not reused",
                    hint: "remove the \(theirs.language) subtitle from the item, or delete text track \(theirs.uid) in "
                        + "Skylark and run again with --retry-failed")
    }

    /// A journal that lacks a value its own records imply (edited, or damaged): this item fails, the run goes on.
    static func inconsistent(_ id: String, _ missing: String, language: String? = nil) -> IngestError {
        let subject = language.map { "the \($0) subtitle" } ?? "this item"
        return IngestError(code: .checkpointInconsistent, item: id, stage: .documents,
                           message: "the checkpoint's records of \(subject) lack \(missing)",
                           hint: "run again with --retry-failed once the checkpoint is restored; or remove this "
                               + "item's records from the checkpoint and attach it to its asset with `uid:`")
    }
}
