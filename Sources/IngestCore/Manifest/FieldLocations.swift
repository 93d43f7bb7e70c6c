/// Where each field of one manifest item is: a compact list of `(key, line, column)` sharing one
/// file name, looked up by key (`id`, `video`, `fields.synopsis`, `subtitles[0].language`, …).
///
/// An item has about ten located fields, so a linear scan beats hashing. Each entry is 12 bytes: the
/// key is an index into a table of key names that the items of one manifest share (a loader starts
/// every item from the same table; an item that sets a key the table lacks gets a copy of its own),
/// so 500,000 items hold one copy of `subtitles[0].language`, not half a million. All locations of
/// one item are in the same file (the manifest).
public struct FieldLocations: Sendable, Hashable, Codable, ExpressibleByDictionaryLiteral {
    private struct Entry: Sendable, Hashable {
        /// The key's index in `keyTable`.
        var key: Int32
        var line: Int32
        var column: Int32
    }

    private var file: String = ""
    /// The key names entries point into; may hold keys this item has no entry for.
    private var keyTable: [String] = []
    private var entries: [Entry] = []

    /// No locations.
    public init() {}

    /// No locations yet, with `template`'s key names: the items a loader builds from one template
    /// share its table until one sets a key it lacks.
    init(sharingKeysOf template: FieldLocations) {
        keyTable = template.keyTable
    }

    /// No locations yet, with `keys` as the key names (a CSV header's columns).
    init(keys: [String]) {
        keyTable = keys
    }

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
            guard let index = keyIndex(key) else { return nil }
            for entry in entries where entry.key == index {
                return SourceLocation(file: file, line: Int(entry.line), column: Int(entry.column))
            }
            return nil
        }
        set {
            let known = keyIndex(key)
            let position = known.flatMap { index in entries.firstIndex { $0.key == index } }
            guard let newValue else {
                if let position { entries.remove(at: position) }
                return
            }
            let index: Int32
            if let known {
                index = known
            } else {
                index = Int32(keyTable.count)
                keyTable.append(key)
            }
            if entries.isEmpty {
                file = newValue.file
                entries.reserveCapacity(8)
            }
            let entry = Entry(key: index, line: Int32(clamping: newValue.line), column: Int32(clamping: newValue.column))
            if let position { entries[position] = entry } else { entries.append(entry) }
        }
    }

    /// How many key names the table holds (a loader stops sharing a table that grew large).
    var keyTableCount: Int { keyTable.count }

    private func keyIndex(_ key: String) -> Int32? {
        keyTable.firstIndex(of: key).map { Int32($0) }
    }

    private func name(_ entry: Entry) -> String { keyTable[Int(entry.key)] }

    /// Equal when the same keys are located at the same places in the same order, whatever tables
    /// the two use.
    public static func == (a: FieldLocations, b: FieldLocations) -> Bool {
        a.file == b.file && a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { x, y in
                x.line == y.line && x.column == y.column && a.name(x) == b.name(y)
            }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(entries.count)
        for entry in entries {
            hasher.combine(name(entry))
            hasher.combine(entry.line)
            hasher.combine(entry.column)
        }
    }

    /// Gives back the room reserved for more entries: a loader calls it once an item's locations are
    /// all set (most items have fewer than the eight entries reserved, and a run keeps every item).
    mutating func shrinkToFit() {
        guard entries.capacity > entries.count else { return }
        let kept = entries
        entries = [Entry](unsafeUninitializedCapacity: kept.count) { buffer, count in
            for (index, entry) in kept.enumerated() { (buffer.baseAddress! + index).initialize(to: entry) }
            count = kept.count
        }
    }

    /// The located keys, in the order they were set.
    public var keys: [String] { entries.map(name) }

    /// The number of located keys.
    public var count: Int { entries.count }

    /// Whether no key is located.
    public var isEmpty: Bool { entries.isEmpty }

    /// The locations as a dictionary.
    public var dictionary: [String: SourceLocation] {
        var result: [String: SourceLocation] = [:]
        for entry in entries {
            result[name(entry)] = SourceLocation(file: file, line: Int(entry.line), column: Int(entry.column))
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
