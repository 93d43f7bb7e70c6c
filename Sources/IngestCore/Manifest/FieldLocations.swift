/// Where each field of one manifest item is: a compact list of `(key, line, column)` sharing one
/// file name, looked up by key (`id`, `video`, `fields.synopsis`, `subtitles[0].language`, …).
///
/// An item has about ten located fields, so a linear scan beats hashing, and 24 bytes per entry
/// (instead of a dictionary with a `SourceLocation` per entry) keeps a 500k-item manifest small.
/// All locations of one item are in the same file (the manifest).
public struct FieldLocations: Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral {
    private struct Entry: Sendable, Hashable {
        var key: String
        var line: Int32
        var column: Int32
    }

    private var file: String = ""
    private var entries: [Entry] = []

    /// No locations.
    public init() {}

    /// Locations from a dictionary literal.
    public init(dictionaryLiteral elements: (String, SourceLocation)...) {
        for (key, location) in elements { self[key] = location }
    }

    /// Locations from a dictionary.
    public init(_ dictionary: [String: SourceLocation]) {
        for (key, location) in dictionary.sorted(by: { $0.key < $1.key }) { self[key] = location }
    }

    /// The location of `key`, or nil; setting nil removes it.
    public subscript(key: String) -> SourceLocation? {
        get {
            for entry in entries where entry.key == key {
                return SourceLocation(file: file, line: Int(entry.line), column: Int(entry.column))
            }
            return nil
        }
        set {
            let index = entries.firstIndex { $0.key == key }
            guard let newValue else {
                if let index { entries.remove(at: index) }
                return
            }
            if entries.isEmpty {
                file = newValue.file
                entries.reserveCapacity(8)
            }
            let entry = Entry(key: key, line: Int32(clamping: newValue.line), column: Int32(clamping: newValue.column))
            if let index { entries[index] = entry } else { entries.append(entry) }
        }
    }

    /// The located keys, in the order they were set.
    public var keys: [String] { entries.map(\.key) }

    /// The number of located keys.
    public var count: Int { entries.count }

    /// Whether no key is located.
    public var isEmpty: Bool { entries.isEmpty }

    /// The locations as a dictionary.
    public var dictionary: [String: SourceLocation] {
        var result: [String: SourceLocation] = [:]
        for entry in entries {
            result[entry.key] = SourceLocation(file: file, line: Int(entry.line), column: Int(entry.column))
        }
        return result
    }

    public init(from decoder: any Decoder) throws {
        self.init(try [String: SourceLocation](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try dictionary.encode(to: encoder)
    }
}
