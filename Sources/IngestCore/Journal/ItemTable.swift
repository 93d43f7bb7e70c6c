/// The items of a journal state: the states in one array, found by id through a small index.
///
/// A dictionary of `ItemState` values keeps a few hundred bytes per bucket, and its buckets are a
/// power of two above the count over 0.75 (262,144 for 100,000 items); here only the index has
/// spare buckets, of one 32-bit position each (`PositionIndex`), and the ids are not kept twice.
public struct ItemTable: Sendable {
    private var index = PositionIndex()
    private var states: [ItemState] = []

    public init() {}

    /// Number of items.
    public var count: Int { states.count }
    /// Whether there is no item.
    public var isEmpty: Bool { states.isEmpty }
    /// The item ids, in the order they first appeared.
    public var keys: [String] { states.map(\.id) }
    /// The item states, in the order they first appeared.
    public var values: [ItemState] { states }

    /// The state of `id`, if the journal mentioned it.
    public subscript(id: String) -> ItemState? { position(of: id).map { states[$0] } }

    /// Bytes the table's index and its state array take (tests: per-item cost).
    var indexBytes: Int { index.allocatedBytes }

    private func position(of id: String) -> Int? { index.position(of: id) { states[$0].id } }

    /// Indexes the state at `position` (already in `states`).
    private mutating func add(_ id: String, at position: Int) {
        let states = states  // shared only while the index reads ids back (when it grows)
        index.add(id, at: position) { states[$0].id }
    }

    /// Makes room for `count` items in all (a run knows its manifest's size up front: growing by
    /// doubling would leave up to a third of a large table unused).
    mutating func reserveCapacity(_ count: Int) {
        guard count > states.capacity else { return }
        states.reserveCapacity(count)
        let states = states
        index.reserveCapacity(count) { states[$0].id }
    }

    /// Changes the state of `id` in place (an empty state is created first when missing).
    mutating func modify(_ id: String, _ body: (inout ItemState) -> Void) {
        let position: Int
        if let existing = self.position(of: id) {
            position = existing
        } else {
            position = states.count
            states.append(ItemState(id: id))
            add(id, at: position)
        }
        body(&states[position])
    }

    /// Sets the state of `item.id` to `item`.
    mutating func set(_ item: ItemState) {
        if let position = position(of: item.id) {
            states[position] = item
        } else {
            states.append(item)
            add(item.id, at: states.count - 1)
        }
    }
}
