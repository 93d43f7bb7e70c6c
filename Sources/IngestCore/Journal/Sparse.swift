/// A value with an empty state that most instances are in.
protocol SparseValue: Hashable, Sendable {
    static var empty: Self { get }
    /// Whether this is the empty value (by default, equal to `empty`).
    var isEmpty: Bool { get }
}

extension SparseValue {
    var isEmpty: Bool { self == .empty }
}

/// A value held on the heap, or nothing while it is empty: one word inline whatever the value's
/// size, for state that is rare in a large run's items (a stage's open intents and error, a
/// document's URLs before its upload, a multipart upload in progress). Compared and hashed by value; changing it makes a new box,
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
        set { box = newValue.isEmpty ? nil : Box(newValue) }
    }

    /// Changes the value in place: the box is let go before `body` runs, so a value no copy shares
    /// (an upload's growing part list) is changed without being copied.
    mutating func modify(_ body: (inout Value) -> Void) {
        var value = box?.value ?? .empty
        box = nil
        body(&value)
        box = value.isEmpty ? nil : Box(value)
    }

    /// Whether the value is empty.
    var isEmpty: Bool { box == nil }

    static func == (a: Sparse, b: Sparse) -> Bool { a.value == b.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// A URL that is not the API path of the uid beside it (rare: kept in a `Sparse` box).
struct OtherURL: SparseValue {
    var url: PackedString?
    static let empty = OtherURL()
}
