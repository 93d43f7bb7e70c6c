import Foundation
import Testing
@testable import SkylarkSandbox

/// An in-memory bucket whose deletes can be made to fail (a crash between copy and delete).
private actor MemoryBucket: WatchfolderBucket {
    struct Stored { var etag: String; var size: Int64; var metadata: [String: String] }
    var objects: [String: Stored] = [:]
    var failDeletes = 0

    func put(_ key: String, etag: String, metadata: [String: String] = [:]) {
        objects[key] = Stored(etag: etag, size: 3, metadata: metadata)
    }
    func failNextDeletes(_ n: Int) { failDeletes = n }
    var keys: [String] { objects.keys.sorted() }

    func listObjects() async throws -> [WatchfolderObject] {
        objects.map { WatchfolderObject(key: $0.key, etag: $0.value.etag, size: $0.value.size) }.sorted { $0.key < $1.key }
    }
    func headObject(key: String) async throws -> WatchfolderObjectInfo? {
        objects[key].map { WatchfolderObjectInfo(etag: $0.etag, size: $0.size, metadata: $0.metadata) }
    }
    func copyObject(key: String, to destination: String) async throws { objects[destination] = objects[key] }
    func deleteObject(key: String) async throws {
        if failDeletes > 0 {
            failDeletes -= 1
            throw CancellationError()
        }
        objects.removeValue(forKey: key)
    }
}

@Suite struct WatchfolderProcessorTests {
    @Test func crashBetweenCopyAndDeleteDoesNotIngestTwice() async throws {
        let bucket = MemoryBucket()
        let keeper = StoreKeeper(store: SandboxStore())
        let processor = WatchfolderProcessor(bucket: bucket, keeper: keeper, providers: ["a", "b"],
                                             log: RequestLog(enabled: false))
        await bucket.put("Show-S01E01.mp4", etag: "etag-1")
        await bucket.failNextDeletes(1)
        _ = try await processor.pollOnce()
        #expect(await bucket.keys == ["Show-S01E01.mp4", "processed/Show-S01E01.mp4"])
        _ = try await processor.pollOnce()
        #expect(await bucket.keys == ["processed/Show-S01E01.mp4"])
        let state = await keeper.store.state
        #expect(state.assets.count == 1)
        #expect(state.assets[0].dataSourceID == "Show-S01E01")
        #expect(state.assets[0].ovps.map(\.provider) == ["a", "b"])
        #expect(state.processedObjects.map(\.count) == [2])
        #expect(state.processedObjects.map(\.etags) == [["etag-1"]])
        #expect(state.processedObjects.map(\.timesProcessed) == [1], "finishing the move is not a second processing")
        #expect(state.processedObjects.map(\.awaitingMove) == [false])
        // A third poll finds nothing to do.
        #expect(try await processor.pollOnce() == 0)
    }

    @Test func reuploadWithNewContentCountsAsASecondIngestion() async throws {
        let bucket = MemoryBucket()
        let keeper = StoreKeeper(store: SandboxStore())
        let processor = WatchfolderProcessor(bucket: bucket, keeper: keeper, providers: ["p"], log: RequestLog(enabled: false))
        await bucket.put("v.mp4", etag: "one")
        _ = try await processor.pollOnce()
        await bucket.put("v.mp4", etag: "two")
        _ = try await processor.pollOnce()
        let state = await keeper.store.state
        #expect(state.processedObjects.map(\.etags) == [["one", "two"]])
        #expect(state.processedObjects.map(\.timesProcessed) == [2])
        #expect(state.assets[0].ovps.count == 1)
    }

    @Test func identicalReuploadAfterTheMoveIsCountedAsASecondProcessing() async throws {
        let bucket = MemoryBucket()
        let keeper = StoreKeeper(store: SandboxStore())
        let processor = WatchfolderProcessor(bucket: bucket, keeper: keeper, providers: ["p"], log: RequestLog(enabled: false))
        await bucket.put("v.mp4", etag: "same")
        #expect(try await processor.pollOnce() == 1)
        #expect(await keeper.store.state.processedObjects.map(\.timesProcessed) == [1])
        // The client sends the same bytes again (a re-sent PUT): same key, same ETag, after the move.
        await bucket.put("v.mp4", etag: "same")
        #expect(try await processor.pollOnce() == 1)
        let state = await keeper.store.state
        #expect(state.processedObjects.map(\.timesProcessed) == [2])
        #expect(state.processedObjects.map(\.etags) == [["same"]])
        #expect(state.assets.count == 1 && state.assets[0].ovps.count == 1, "OVPs stay idempotent per key")
        #expect(await bucket.keys == ["processed/v.mp4"])
    }

    @Test func unknownAssetGoesToFailed() async throws {
        let bucket = MemoryBucket()
        let keeper = StoreKeeper(store: SandboxStore())
        let processor = WatchfolderProcessor(bucket: bucket, keeper: keeper, providers: ["p"], log: RequestLog(enabled: false))
        await bucket.put("x.mp4", etag: "e", metadata: ["asset": "{\"uid\": \"asse_0123456789abcdef0123456789abcdef\"}"])
        _ = try await processor.pollOnce()
        #expect(await bucket.keys == ["failed/x.mp4"])
        #expect(await keeper.store.state.watchfolderErrors.map(\.code) == ["WATCHFOLDER_UNKNOWN_ASSET"])
        #expect(await keeper.store.state.assets.isEmpty)
    }
}
