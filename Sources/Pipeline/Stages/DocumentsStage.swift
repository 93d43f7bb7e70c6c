import Foundation
import IngestCore

/// `documents`: per subtitle, a text track, then a "Text track" document, then the file upload.
///
/// Each of the three effects has its own durable intent (`text_track:<lang>`, `document:<lang>`,
/// `upload:<lang>`). Reconcile: text tracks through the asset's `text_track_urls` (by language),
/// documents through `documents(content_url:)`, uploads through the document's non-null `url`.
/// Subtitles of different languages run concurrently; each one's three steps stay in order.
enum DocumentsStage {
    static func run(_ asset: ManifestAsset, _ ctx: StageContext) async throws {
        let id = asset.id
        let skylark = ctx.skylark
        let start = ctx.checkpoint.item(id)
        guard let assetUID = start.assetUID ?? asset.uid else {
            throw IngestError(code: "PIPELINE_MISSING_INPUT", item: id, stage: .documents,
                              message: "the checkpoint has no asset for this item", hint: "run the assets stage first")
        }
        var assetURL = start.assetURL
        if assetURL == nil {
            guard let remote = try await ctx.retry.read({ try await skylark.asset(uid: assetUID) }) else {
                throw IngestError(code: "SKYLARK_ASSET_NOT_FOUND", item: id, stage: .documents,
                                  message: "asset \(assetUID) does not exist")
            }
            assetURL = remote.url
        }
        // Each language's chain (text track → document → upload) is independent of the others', so
        // they run side by side: an item's documents take one chain's round trips, not the sum.
        let url = assetURL!
        try await withThrowingTaskGroup(of: Void.self) { group in
            for subtitle in asset.subtitles {
                group.addTask { try await runTrack(asset, subtitle, assetUID: assetUID, assetURL: url, ctx) }
            }
            try await group.waitForAll()
        }
        try await ctx.checkpoint.record(id, .documents, .done, durable: false)
    }

    private static func runTrack(_ asset: ManifestAsset, _ subtitle: ManifestSubtitle, assetUID: String,
                                 assetURL: String, _ ctx: StageContext) async throws {
        let id = asset.id
        let skylark = ctx.skylark
        let language = subtitle.language
        let lang: JSONValue = .string(language)
        var state = ctx.checkpoint.item(id)
        var track = state.track(language) ?? TrackState(language: language)

        // 1. The text track.
        if track.textTrackUID == nil {
            let op = "text_track:\(language)"
            let adopted = Set(state.tracks.compactMap(\.textTrackURL))
            let find: @Sendable () async throws -> RemoteTextTrack? = {
                guard let remote = try await skylark.asset(uid: assetUID) else { return nil }
                for url in remote.textTrackURLs where !adopted.contains(url) {
                    if let candidate = try await skylark.textTrack(url: url),
                       candidate.language.lowercased() == language.lowercased() { return candidate }
                }
                return nil
            }
            var found: RemoteTextTrack?
            if state.documents.openIntents.contains(op) { found = try await ctx.retry.read(find) }
            if found == nil {
                try await ctx.checkpoint.record(id, .documents, .intent, op: op, data: ["language": lang])
                found = try await ctx.retry.write({ try await skylark.createTextTrack(language: language,
                                                                                      assetURL: assetURL) },
                                                  reconcile: find)
            }
            try await ctx.checkpoint.record(id, .documents, .done, op: op, data: [
                "language": lang, "text_track_uid": .string(found!.uid), "text_track_url": .string(found!.url),
            ], durable: false)
            state = ctx.checkpoint.item(id)
            track = state.track(language)!
        }
        let trackURL = track.textTrackURL!

        // 2. The document.
        if track.documentUID == nil {
            let op = "document:\(language)"
            let find: @Sendable () async throws -> RemoteDocument? = {
                try await skylark.documents(contentURL: trackURL).first
            }
            var found: RemoteDocument?
            if state.documents.openIntents.contains(op) { found = try await ctx.retry.read(find) }
            if found == nil {
                let typeURL = try await ctx.cache.textTrackDocumentTypeURL(skylark: skylark, retry: ctx.retry)
                let fileName = (subtitle.path as NSString).lastPathComponent
                let request = NewDocument(documentTypeURL: typeURL, contentURL: trackURL, fileName: fileName,
                                          language: language, title: subtitle.title ?? fileName)
                try await ctx.checkpoint.record(id, .documents, .intent, op: op, data: ["language": lang])
                found = try await ctx.retry.write({ try await skylark.createDocument(request) }, reconcile: find)
            }
            try await ctx.checkpoint.record(id, .documents, .done, op: op, data: [
                "language": lang, "document_uid": .string(found!.uid), "document_url": .string(found!.url),
                "upload_url": .string(found!.uploadURL), "uploaded": .bool(found!.fileURL != nil),
            ], durable: false)
            state = ctx.checkpoint.item(id)
            track = state.track(language)!
        }

        // 3. The file upload.
        if !track.uploaded {
            let op = "upload:\(language)"
            let documentUID = track.documentUID!
            let uploadURL = track.uploadURL!
            let uploaded: @Sendable () async throws -> RemoteDocument? = {
                try await skylark.documents(contentURL: trackURL).first { $0.uid == documentUID && $0.fileURL != nil }
            }
            var done = false
            if state.documents.openIntents.contains(op) { done = try await ctx.retry.read(uploaded) != nil }
            if !done {
                try await ctx.checkpoint.record(id, .documents, .intent, op: op, data: ["language": lang])
                let fileName = (subtitle.path as NSString).lastPathComponent
                do {
                    _ = try await ctx.retry.write({
                        try await skylark.uploadDocumentFile(uploadURL: uploadURL, fileName: fileName,
                                                             path: subtitle.path)
                    }, reconcile: uploaded)
                } catch {
                    // "file already uploaded" after an ambiguous first attempt: the upload happened.
                    guard try await ctx.retry.read(uploaded) != nil else { throw error }
                }
            }
            try await ctx.checkpoint.record(id, .documents, .done, op: op,
                                            data: ["language": lang, "uploaded": .bool(true)], durable: false)
        }
    }
}
