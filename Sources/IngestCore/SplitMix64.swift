/// SplitMix64 (Steele, Lea and Flood; the generator of Java's `SplittableRandom`): a tiny, fast, seedable
/// generator, so a seed replays the same sequence — the sandbox's `--seed` its faults, a failing test its kill
/// moments, faults or bytes. Not for secrets. `mix` is its finaliser alone, which `Shard` hashes ids with.
///
/// The outputs of a seed never change: recorded seeds and checkpoints' shard assignments depend on them.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// SplitMix64's finaliser (Stafford's Mix13, a variant of MurmurHash3's `fmix64`): every input bit affects
    /// every output bit.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (0 when `bound` < 1): the next output modulo `bound`.
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }

    /// A uniform double in [0, 1): the next output's top 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// `count` bytes: each output as 8 little-endian bytes, the last one cut.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count + 8)
        while out.count < count {
            withUnsafeBytes(of: next().littleEndian) { out.append(contentsOf: $0) }
        }
        return Array(out.prefix(count))
    }
}
