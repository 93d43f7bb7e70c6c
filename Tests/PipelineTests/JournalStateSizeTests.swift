@testable import IngestCore
import Testing

/// The journal state a run keeps for every item (issue 15: the run process at 100k items ≤ 150 MB).
/// Sizes, not timings: each per-item byte is 0.1 MB at 100,000 items.
@Suite struct JournalStateSizeTests {
    static let uid = "asse_" + String(repeating: "0123456789abcdef", count: 2)
    static let trackUID = "text_" + String(repeating: "fedcba9876543210", count: 2)

    @Test func anItemStateIsAtMost240BytesInline() {
        // 304 bytes before: four 16-byte stage states, the asset's path stored beside its uid, two optionals.
        #expect(MemoryLayout<ItemState>.stride <= 240)
    }

    @Test func aTrackStateIsAtMost72BytesInline() {
        // 96 bytes before: the text track's path stored beside its uid.
        #expect(MemoryLayout<TrackState>.stride <= 72)
    }

    @Test func theItemIndexTakesAtMost12BytesPerItem() {
        var state = JournalState()
        state.reserveCapacity(100_000)
        for n in 0..<100_000 {
            state.apply(JournalEntry(item: "item-\(n)", stage: .assets, event: .intent, op: "create"))
        }
        #expect(state.items.count == 100_000)
        #expect(state.items.indexBytes <= 12 * 100_000)
        #expect(state.items["item-99999"]?.assets.openIntents == ["create"])
        #expect(state.items["item-100000"] == nil)
    }

    @Test func theIndexFindsEveryItemWhileItGrows() {
        var state = JournalState()
        for n in 0..<5_000 { state.apply(JournalEntry(item: "i\(n)", stage: .assets, event: .done)) }
        #expect(state.items.count == 5_000)
        #expect((0..<5_000).allSatisfy { state.items["i\($0)"]?.assets.status == .done })
        #expect(state.items.keys == (0..<5_000).map { "i\($0)" })
    }

    @Test func theAssetsPathIsKeptExactlyWhetherOrNotItIsTheUIDsPath() {
        var item = ItemState(id: "a")
        item.assetUID = Self.uid
        item.assetURL = "/api/assets/\(Self.uid)/"
        #expect(item.assetURL == "/api/assets/\(Self.uid)/")
        // Another uid later: the recorded path stays what it was.
        item.assetUID = "asse_" + String(repeating: "1", count: 32)
        #expect(item.assetURL == "/api/assets/\(Self.uid)/")
        for url in ["/api/assets/\(Self.uid)", "https://x/api/assets/\(Self.uid)/", "/api/documents/\(Self.uid)/", "odd"] {
            var other = ItemState(id: "b")
            other.assetUID = Self.uid
            other.assetURL = url
            #expect(other.assetURL == url)
            #expect(other.assetUID == Self.uid)
        }
    }

    @Test func statesAreEqualWhateverOrderTheirUIDAndPathWereSetIn() {
        var first = ItemState(id: "a")
        first.assetUID = Self.uid
        first.assetURL = "/api/assets/\(Self.uid)/"
        var second = ItemState(id: "a")
        second.assetURL = "/api/assets/\(Self.uid)/"
        second.assetUID = Self.uid
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)

        var track = TrackState(language: "en")
        track.textTrackURL = "/api/text-tracks/\(Self.trackUID)/"
        track.textTrackUID = Self.trackUID
        var other = TrackState(language: "en")
        other.textTrackUID = Self.trackUID
        other.textTrackURL = "/api/text-tracks/\(Self.trackUID)/"
        #expect(track == other)
        #expect(other.textTrackURL == "/api/text-tracks/\(Self.trackUID)/")
        other.textTrackURL = "/elsewhere/"
        #expect(other.textTrackURL == "/elsewhere/" && other.textTrackUID == Self.trackUID)
    }

    @Test func stageStatesKeepEachStagesDetailApart() {
        var item = ItemState(id: "a")
        item.documents.openIntents = ["text_track:en"]
        item.transfer.status = .failed
        item.transfer.error = IngestError(code: .unknown, message: "x")
        #expect(item.assets.isUntouched)
        #expect(item.documents.openIntents == ["text_track:en"] && item.documents.status == .pending)
        #expect(item.transfer.error?.message == "x" && item.transfer.openIntents.isEmpty)
        #expect(item[.validate] == StageState())
        item.documents.openIntents = []
        item.transfer = StageState()
        #expect(item == ItemState(id: "a"))
    }

    @Test func bytesAndOVPCountKeepNilApartFromZero() {
        var item = ItemState(id: "a")
        #expect(item.bytes == nil && item.ovpCount == nil)
        item.bytes = 0
        item.ovpCount = 0
        #expect(item.bytes == 0 && item.ovpCount == 0)
        item.bytes = nil
        #expect(item.bytes == nil && item != ItemState(id: "a"))
        item.ovpCount = nil
        #expect(item == ItemState(id: "a"))
    }
}

/// A run's outcome per item: one byte each beside the run's items, not a dictionary keyed by id.
@Suite struct ItemOutcomesTests {
    static func asset(_ id: String) -> ManifestAsset {
        ManifestAsset(id: id, title: id, assetType: "episode", video: "v.mp4", videoPath: "/dev/null", subtitles: [],
                      location: SourceLocation(file: "m.yaml", line: 1, column: 1))
    }

    @Test func outcomesOfARunsItemsTakeAtMost12BytesPerItem() {
        let items = (0..<100_000).map { Self.asset("item-\($0)") }
        var outcomes = ItemOutcomes(items: items)
        for (n, item) in items.enumerated() { outcomes[item.id] = n % 3 == 0 ? .failed : .succeeded }
        #expect(outcomes.allocatedBytes <= 12 * 100_000)  // a [String: ItemOutcome] took 45
        #expect(outcomes["item-3"] == .failed && outcomes["item-4"] == .succeeded && outcomes["item-100000"] == nil)
        #expect(outcomes.count(.failed) == 33_334)
        #expect(outcomes.values.count == 100_000)
    }

    @Test func outcomesKeepIdsOutsideTheItemsAndLiterals() {
        var outcomes = ItemOutcomes(items: [Self.asset("a"), Self.asset("b")])
        #expect(outcomes["a"] == nil && outcomes.values.isEmpty)
        outcomes["b"] = .pending
        outcomes["elsewhere"] = .skipped
        #expect(outcomes["b"] == .pending && outcomes["elsewhere"] == .skipped)
        #expect(outcomes.count(.skipped) == 1 && outcomes.values.count == 2)
        outcomes["b"] = nil
        #expect(outcomes["b"] == nil)
        let literal: ItemOutcomes = ["x": .failed, "y": .succeeded]
        #expect(literal["x"] == .failed && literal["y"] == .succeeded && literal["z"] == nil)
        #expect(literal.count(.failed) == 1)
    }
}
