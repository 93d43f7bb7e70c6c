/// The items of a journal state: the states in one array, found by id through a small index.
///
/// A dictionary of `ItemState` values keeps a few hundred bytes per bucket, and its buckets are a
/// power of two above the count over 0.75 (262,144 for 100,000 items); here only the index has
/// spare buckets, of one integer each.
public struct ItemTable: Sendable {
    private var index: [String: Int] = [:]
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
    public subscript(id: String) -> ItemState? { index[id].map { states[$0] } }

    /// Makes room for `count` items in all (a run knows its manifest's size up front: growing by
    /// doubling would leave up to a third of a large table unused).
    mutating func reserveCapacity(_ count: Int) {
        guard count > states.capacity else { return }
        index.reserveCapacity(count)
        states.reserveCapacity(count)
    }

    /// Changes the state of `id` in place (an empty state is created first when missing).
    mutating func modify(_ id: String, _ body: (inout ItemState) -> Void) {
        let position: Int
        if let existing = index[id] {
            position = existing
        } else {
            position = states.count
            index[id] = position
            states.append(ItemState(id: id))
        }
        body(&states[position])
    }

    /// Sets the state of `item.id` to `item`.
    mutating func set(_ item: ItemState) {
        if let position = index[item.id] {
            states[position] = item
        } else {
            index[item.id] = states.count
            states.append(item)
        }
    }
}
