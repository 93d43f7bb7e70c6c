/// Finds the first of many values equal to a given one, holding only a number per value: an
/// open-addressed table of `(32 bits of the hash, position)` slots, 8 bytes each, that never keeps
/// the values themselves. Equal hashes are confirmed by the caller's `matches` (which compares the
/// value at a position), so a collision costs a comparison, never a wrong answer.
///
/// Validation indexes every item's id, slug, key and video, and every distinct file: a
/// `[String: Int]` of 100,000 strings is ~6 MB of buckets plus the strings it keeps alive (derived
/// slugs are built for the table), where this is 2 MB and keeps nothing.
struct HashIndex {
    private var slots: [UInt64]
    private var mask: Int

    /// A table for up to `capacity` positions, allocated once (it never grows).
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// Where a lookup ended: the position of a matching value, or the free slot to record one in.
    enum Lookup {
        case found(Int)
        case free(slot: Int)
    }

    /// Looks for the value hashing to `hash` for which `matches` (given a recorded position) holds.
    func lookup(hash: Int, matches: (Int) -> Bool) -> Lookup {
        let tag = Self.tag(hash)
        var slot = Int(truncatingIfNeeded: UInt(bitPattern: hash)) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return .free(slot: slot) }
            if entry >> 32 == tag {
                let position = Int(entry & 0xFFFF_FFFF) - 1
                if matches(position) { return .found(position) }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Records `position` (0 ..< 2³²-1) for the value hashing to `hash`, in the slot `lookup` returned.
    mutating func insert(_ position: Int, hash: Int, slot: Int) {
        slots[slot] = Self.tag(hash) << 32 | UInt64(UInt32(position) + 1)
    }

    private static func tag(_ hash: Int) -> UInt64 { UInt64(UInt32(truncatingIfNeeded: hash >> 32)) }
}
