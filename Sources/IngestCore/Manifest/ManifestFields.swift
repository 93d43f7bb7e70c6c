/// An asset's extra `fields` as a flat list sorted by name, one field kept inline: no allocation
/// for an item with one field or none, one small array for more (a 500,000-item manifest holds
/// half a million of them; an array per item was ~80 bytes of heap each). The form is canonical
/// (one field is always `.one`), so equal lists have equal storage.
struct ManifestFields: Sendable, Hashable {
    private struct Field: Sendable, Hashable {
        var name: String
        var value: JSONValue
    }

    private enum Storage: Sendable, Hashable {
        case none
        case one(Field)
        case many([Field])
    }

    private var storage: Storage = .none

    init() {}

    init(_ dictionary: [String: JSONValue]) {
        guard !dictionary.isEmpty else { return }
        list = dictionary.map { Field(name: $0.key, value: $0.value) }.sorted { $0.name < $1.name }
    }

    var isEmpty: Bool {
        if case .none = storage { return true }
        return false
    }

    /// The value of `name`; setting replaces it (nil removes it).
    subscript(name: String) -> JSONValue? {
        get {
            switch storage {
            case .none: return nil
            case .one(let field): return field.name == name ? field.value : nil
            case .many(let list):
                let (index, found) = Self.position(of: name, in: list)
                return found ? list[index].value : nil
            }
        }
        set {
            switch (storage, newValue) {
            case (.none, let value?):
                storage = .one(Field(name: name, value: value))
            case (.one(let field), let value?) where field.name == name:
                storage = .one(Field(name: name, value: value))
            case (.one(let field), nil) where field.name == name:
                storage = .none
            default:
                var fields = list
                let (index, found) = Self.position(of: name, in: fields)
                switch (newValue, found) {
                case (let value?, true): fields[index].value = value
                case (let value?, false): fields.insert(Field(name: name, value: value), at: index)
                case (nil, true): fields.remove(at: index)
                case (nil, false): return
                }
                list = fields
            }
        }
    }

    /// The fields as the API takes them.
    var dictionary: [String: JSONValue] {
        switch storage {
        case .none: return [:]
        case .one(let field): return [field.name: field.value]
        case .many(let list):
            var result: [String: JSONValue] = [:]
            result.reserveCapacity(list.count)
            for field in list { result[field.name] = field.value }
            return result
        }
    }

    /// The fields in name order; setting stores them in the canonical form.
    private var list: [Field] {
        get {
            switch storage {
            case .none: return []
            case .one(let field): return [field]
            case .many(let list): return list
            }
        }
        set {
            switch newValue.count {
            case 0: storage = .none
            case 1: storage = .one(newValue[0])
            default: storage = .many(newValue)
            }
        }
    }

    /// Where `name` is in `list`, or would be inserted.
    private static func position(of name: String, in list: [Field]) -> (index: Int, found: Bool) {
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].name < name { low = mid + 1 } else { high = mid }
        }
        return (low, low < list.count && list[low].name == name)
    }
}
