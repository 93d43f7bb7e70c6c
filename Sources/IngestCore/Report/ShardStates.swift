/// The journal states of a migration run as N shards, for the views over all of it (`status`, `report`):
/// an item is looked up in the state of the shard that owns it (`Shard.slot(of:count:)`), so no merged
/// state is built and no item state is copied: 500,000 items over 64 shards cost the 64 replayed
/// journals and nothing more.
public struct ShardStates: Sendable {
    /// One shard: its journal state, or an empty one when it has no checkpoint yet.
    public struct Slot: Sendable {
        /// `I/N`.
        public var label: String
        /// Where its journal was read from; nil when the shard has no checkpoint yet.
        public var location: String?
        public var state: JournalState

        public init(label: String, location: String?, state: JournalState) {
            self.label = label
            self.location = location
            self.state = state
        }
    }

    /// Shard I is `slots[I - 1]`.
    public let slots: [Slot]

    /// `slots` must hold shards 1…N in order (`slots.count` is N).
    public init(slots: [Slot]) {
        precondition(!slots.isEmpty, "a migration has at least one shard")
        self.slots = slots
    }

    /// N, the shard count.
    public var count: Int { slots.count }

    /// The 0-based slot of the shard that owns `id`.
    public func owner(of id: String) -> Int { Shard.slot(of: id, count: slots.count) }

    /// The state of `id` in its owner's journal (an empty state when that journal never mentioned it).
    public func item(_ id: String) -> ItemState { slots[owner(of: id)].state.item(id) }
}
