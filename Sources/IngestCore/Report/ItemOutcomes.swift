/// How each item of a run ended, by id: one byte per item beside the run's own list of items, found
/// through a `PositionIndex` (4 bytes a bucket). A `[String: ItemOutcome]` of the same items kept a
/// copy of every id in buckets of 17 bytes: 4.5 MB at 100,000 items, 17.8 MB at 500,000.
public struct ItemOutcomes: Sendable, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// Where the ids are: the run's items (shared, not copied), or a list of their own.
    private enum IDs: Sendable {
        case assets([ManifestAsset])
        case strings([String])
    }

    private let ids: IDs
    private var index = PositionIndex()
    /// By position in `ids` (nil: no outcome yet).
    private var outcomes: [ItemOutcome?]
    /// Outcomes of ids outside `ids` (none in a run: every outcome is of one of its items).
    private var others: [String: ItemOutcome] = [:]

    /// No outcome yet for any of `items` (the ids are read from the items when needed).
    public init(items: [ManifestAsset]) {
        ids = .assets(items)
        outcomes = Array(repeating: nil, count: items.count)
        index.reserveCapacity(items.count) { items[$0].id }
        for (position, item) in items.enumerated() where index.position(of: item.id, idAt: { items[$0].id }) == nil {
            index.add(item.id, at: position) { items[$0].id }
        }
    }

    public init(dictionaryLiteral elements: (String, ItemOutcome)...) {
        let strings = elements.map(\.0)
        ids = .strings(strings)
        outcomes = elements.map(\.1)
        for (position, id) in strings.enumerated() where index.position(of: id, idAt: { strings[$0] }) == nil {
            index.add(id, at: position) { strings[$0] }
        }
    }

    /// The outcome of `id`, if it has one.
    public subscript(id: String) -> ItemOutcome? {
        get {
            if let position = position(of: id) { return outcomes[position] }
            return others[id]
        }
        set {
            if let position = position(of: id) { outcomes[position] = newValue } else { others[id] = newValue }
        }
    }

    /// Every outcome (in the items' order, then those of other ids).
    public var values: [ItemOutcome] { outcomes.compactMap { $0 } + others.values }

    /// Number of items with `outcome`.
    public func count(_ outcome: ItemOutcome) -> Int {
        outcomes.reduce(0) { $1 == outcome ? $0 + 1 : $0 } + others.values.reduce(0) { $1 == outcome ? $0 + 1 : $0 }
    }

    /// Bytes of the table's own allocations (the index and one byte per item; tests).
    public var allocatedBytes: Int { index.allocatedBytes + outcomes.capacity * MemoryLayout<ItemOutcome?>.stride }

    public var description: String {
        var pairs: [String] = []
        for position in outcomes.indices { if let outcome = outcomes[position] { pairs.append("\(id(at: position)): \(outcome)") } }
        for (id, outcome) in others { pairs.append("\(id): \(outcome)") }
        return "[" + pairs.joined(separator: ", ") + "]"
    }

    private func position(of id: String) -> Int? { index.position(of: id) { self.id(at: $0) } }

    private func id(at position: Int) -> String {
        switch ids {
        case .assets(let items): return items[position].id
        case .strings(let strings): return strings[position]
        }
    }
}
