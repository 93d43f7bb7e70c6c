/// An asset's extra `fields` as a flat list sorted by name: one small array per item instead of a
/// hash table (a 500,000-item manifest holds half a million of them).
struct ManifestFields: Sendable, Hashable {
    private struct Field: Sendable, Hashable {
        var name: String
        var value: JSONValue
    }

    private var list: [Field] = []

    init() {}

    init(_ dictionary: [String: JSONValue]) {
        guard !dictionary.isEmpty else { return }
        list = dictionary.map { Field(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
    }

    var isEmpty: Bool { list.isEmpty }

    /// The value of `name`; setting replaces it (nil removes it).
    subscript(name: String) -> JSONValue? {
        get {
            let (index, found) = position(of: name)
            return found ? list[index].value : nil
        }
        set {
            let (index, found) = position(of: name)
            switch (newValue, found) {
            case (let value?, true): list[index].value = value
            case (let value?, false): list.insert(Field(name: name, value: value), at: index)
            case (nil, true): list.remove(at: index)
            case (nil, false): break
            }
        }
    }

    /// The fields as the API takes them.
    var dictionary: [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        result.reserveCapacity(list.count)
        for field in list { result[field.name] = field.value }
        return result
    }

    /// Where `name` is, or would be inserted.
    private func position(of name: String) -> (index: Int, found: Bool) {
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].name < name { low = mid + 1 } else { high = mid }
        }
        return (low, low < list.count && list[low].name == name)
    }
}
