/// A value with an empty state that most instances are in.
protocol SparseValue: Hashable, Sendable {
    static var empty: Self { get }
}

/// A value held on the heap, or nothing while it is empty: one word inline whatever the value's
/// size, for state that is rare in a large run's items (a stage's open intents and error, a
/// document's URLs before its upload). Compared and hashed by value; changing it makes a new box,
/// so copies never share a change.
struct Sparse<Value: SparseValue>: Hashable, Sendable {
    private final class Box: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private var box: Box?

    init() {}

    /// The value (`Value.empty` when nothing is held).
    var value: Value {
        get { box?.value ?? .empty }
        set { box = newValue == .empty ? nil : Box(newValue) }
    }

    /// Whether the value is empty.
    var isEmpty: Bool { box == nil }

    static func == (a: Sparse, b: Sparse) -> Bool { a.value == b.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
