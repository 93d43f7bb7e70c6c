/// Finds an item's position in an array by its id: open addressing over 32-bit positions.
///
/// A `[String: Int]` keeps a second copy of every id and an 8-byte value in each of its buckets
/// (24 bytes a bucket, 262,144 buckets for 100,000 ids: 6.3 MB); here a bucket is one `Int32` and the
/// ids stay where they are (the caller's array), read back through `idAt` to confirm a match.
/// Positions are only ever added (a journal state never forgets an item).
public struct PositionIndex: Sendable {
    /// Position + 1 per bucket (0 = empty); the bucket count is a power of two, at most half full.
    private var buckets: [Int32] = []
    public private(set) var count = 0

    public init() {}

    /// Bytes of its one allocation (tests).
    public var allocatedBytes: Int { buckets.capacity * MemoryLayout<Int32>.stride }

    /// Makes room for `count` ids in all without growing.
    public mutating func reserveCapacity(_ count: Int, idAt: (Int) -> String) {
        let needed = Self.bucketCount(for: count)
        if needed > buckets.count { rehash(to: needed, idAt: idAt) }
    }

    /// The position of `id`, if it was added.
    public func position(of id: String, idAt: (Int) -> String) -> Int? {
        guard !buckets.isEmpty else { return nil }
        let mask = buckets.count - 1
        var bucket = Self.hash(id) & mask
        while true {
            let stored = Int(buckets[bucket])
            if stored == 0 { return nil }
            if idAt(stored - 1) == id { return stored - 1 }
            bucket = (bucket + 1) & mask
        }
    }

    /// Adds `id` at `position` (it must not be present yet).
    public mutating func add(_ id: String, at position: Int, idAt: (Int) -> String) {
        precondition(position < Int(Int32.max), "more than 2^31 items")
        if Self.bucketCount(for: count + 1) > buckets.count {
            rehash(to: Self.bucketCount(for: count + 1), idAt: idAt)
        }
        insert(Self.hash(id), position)
        count += 1
    }

    private mutating func insert(_ hash: Int, _ position: Int) {
        let mask = buckets.count - 1
        var bucket = hash & mask
        while buckets[bucket] != 0 { bucket = (bucket + 1) & mask }
        buckets[bucket] = Int32(position + 1)
    }

    private mutating func rehash(to size: Int, idAt: (Int) -> String) {
        let old = buckets
        buckets = [Int32](repeating: 0, count: size)
        for stored in old where stored != 0 {
            let position = Int(stored) - 1
            insert(Self.hash(idAt(position)), position)
        }
    }

    /// Buckets for `count` ids: a power of two at least twice the count (16 at least).
    private static func bucketCount(for count: Int) -> Int {
        var size = 16
        while size < count * 2 { size <<= 1 }
        return size
    }

    private static func hash(_ id: String) -> Int {
        var hasher = Hasher()
        hasher.combine(id)
        return hasher.finalize() & Int.max
    }
}
