import CMD5Lanes

/// The lanes of an `MD5LaneScheduler` (used under its lock): each lane's MD5 state, its pending bytes and
/// length, and the policy that chooses which lanes a kernel call advances.
struct LaneTable {
    /// One lane. `storage` holds the 4 state words in its first 64 bytes, then `capacity` pending bytes;
    /// the bytes not yet hashed are `start..<end` of those.
    struct Slot {
        var storage: UnsafeMutableRawPointer?
        var start = 0
        var end = 0
        var length: UInt64 = 0
        var held = false

        var pendingBlocks: Int { (end - start) / 64 }
        var state: UnsafeMutablePointer<UInt32> { storage!.assumingMemoryBound(to: UInt32.self) }
        var pending: UnsafeMutableRawPointer { storage! + 64 }
    }

    let capacity: Int
    /// Lanes per kernel call.
    let width: Int
    private var slots: [Slot] = []
    /// Freed lanes' storage, kept for the next (at most `width`).
    private var spare: [UnsafeMutableRawPointer] = []

    init(capacity: Int, width: Int) {
        precondition(capacity >= 64 && capacity % 64 == 0)
        self.capacity = capacity
        self.width = max(1, width)
    }

    var heldCount: Int { slots.count(where: { $0.held }) }
    var bufferCount: Int { slots.count(where: { $0.storage != nil }) + spare.count }

    mutating func acquire() -> Int {
        let index = slots.firstIndex { !$0.held } ?? { slots.append(Slot()); return slots.count - 1 }()
        let storage = spare.popLast() ?? UnsafeMutableRawPointer.allocate(byteCount: 64 + capacity, alignment: 64)
        slots[index] = Slot(storage: storage, held: true)
        cmd5_init(slots[index].state)
        return index
    }

    mutating func reset(_ index: Int) {
        precondition(slots[index].held, "MD5 lane \(index) is not held")
        slots[index].start = 0
        slots[index].end = 0
        slots[index].length = 0
        cmd5_init(slots[index].state)
    }

    mutating func release(_ index: Int) {
        guard slots[index].held, let storage = slots[index].storage else { return }
        if spare.count < width { spare.append(storage) } else { storage.deallocate() }
        slots[index] = Slot()
    }

    mutating func freeAll() {
        for slot in slots { slot.storage?.deallocate() }
        for storage in spare { storage.deallocate() }
        slots = []
        spare = []
    }

    mutating func append(_ index: Int, _ bytes: UnsafeRawBufferPointer, kernel: cmd5_kernel) {
        precondition(slots[index].held, "MD5 lane \(index) is not held")
        guard var source = bytes.baseAddress, bytes.count > 0 else { return }
        var left = bytes.count
        slots[index].length += UInt64(left)
        let hadBlock = slots[index].pendingBlocks > 0
        while left > 0 {
            let slot = slots[index]
            if slot.end + left <= capacity {
                (slot.pending + slot.end).copyMemory(from: source, byteCount: left)
                slots[index].end += left
                break
            }
            if slot.start > 0 {
                // Hashed bytes leave room: move the rest to the front.
                slot.pending.copyMemory(from: slot.pending + slot.start, byteCount: slot.end - slot.start)
                slots[index].end -= slot.start
                slots[index].start = 0
            } else if slot.pendingBlocks > 0 {
                compressGroup(including: index, kernel: kernel)
            } else {
                // Less than a block and no room for all: fill the buffer (it then holds whole blocks).
                let room = capacity - slot.end
                (slot.pending + slot.end).copyMemory(from: source, byteCount: room)
                slots[index].end += room
                source += room
                left -= room
            }
        }
        // The lanes advance together once each has a block (when this lane just got its first one).
        if !hadBlock && slots[index].pendingBlocks > 0 && everyHeldLaneHasABlock() {
            compressGroup(including: nil, kernel: kernel)
        }
    }

    mutating func finish(_ index: Int, kernel: cmd5_kernel) -> [UInt8] {
        precondition(slots[index].held, "MD5 lane \(index) is not held")
        while slots[index].pendingBlocks > 0 { compressGroup(including: index, kernel: kernel) }
        let slot = slots[index]
        var digest = [UInt8](repeating: 0, count: 16)
        digest.withUnsafeMutableBufferPointer { out in
            cmd5_finish(slot.state, slot.pending.assumingMemoryBound(to: UInt8.self) + slot.start, slot.end - slot.start,
                        slot.length, out.baseAddress)
        }
        release(index)
        return digest
    }

    private func everyHeldLaneHasABlock() -> Bool {
        var held = 0
        for slot in slots where slot.held {
            if slot.pendingBlocks == 0 { return false }
            held += 1
        }
        return held > 1
    }

    /// One kernel call: the lanes with the most whole blocks (`including` first, when given), at most `width`,
    /// leaving out those with less than a quarter of the first's, advance by the fewest blocks among them.
    private mutating func compressGroup(including first: Int?, kernel: cmd5_kernel) {
        var order = slots.indices.filter { slots[$0].held && slots[$0].pendingBlocks > 0 && $0 != first }
        order.sort { slots[$0].pendingBlocks > slots[$1].pendingBlocks }
        if let first, slots[first].pendingBlocks > 0 { order.insert(first, at: 0) }
        guard let lead = order.first else { return }
        let floor = max(1, slots[lead].pendingBlocks / 4)
        let group = order.prefix(width).filter { $0 == lead || slots[$0].pendingBlocks >= floor }
        let blocks = group.map { slots[$0].pendingBlocks }.min()!
        let states = group.map { Optional(slots[$0].state) }
        let data = group.map { Optional(UnsafePointer(slots[$0].pending.assumingMemoryBound(to: UInt8.self)) + slots[$0].start) }
        cmd5_compress(states, data, group.count, blocks, kernel)
        for index in group { slots[index].start += blocks * 64 }
    }
}
