import CMD5Lanes
import Synchronization

/// MD5 of several bodies at once, one body per SIMD lane ("multi-buffer" MD5): MD5 is sequential within a
/// stream, but the parts in flight are independent streams, so one kernel call advances up to 8 (AVX2,
/// AVX-512VL) or 16 (AVX-512F) of them for about the cost of one.
///
/// Each body being hashed holds a lane. `append` copies its bytes into the lane's pending buffer (at most
/// `laneCapacity` bytes); the kernel runs over the lanes that have whole 64-byte blocks when every lane
/// holds at least one, or when a lane's buffer cannot take the next bytes, so the lanes of interleaved bodies
/// advance together. `finish` hashes what the lane still holds, pads it and frees the lane.
///
/// One `Mutex` guards all lanes: `append` and `reset` come from the engine thread, `finish` after the answer
/// from another; kernels run while it is held (at most a few hundred KiB per lane).
public final class MD5LaneScheduler: Sendable {
    /// A lane held by one body (its index among the scheduler's lanes).
    public struct Lane: Sendable, Hashable {
        fileprivate let index: Int
    }

    /// The most bytes a lane holds before its blocks are hashed.
    public static let laneCapacity = 256 * 1024

    /// A compression kernel.
    public enum Kernel: Sendable, CaseIterable {
        /// The best this CPU has for the lanes with data (scalar for one).
        case auto
        /// One stream at a time, portable.
        case scalar
        /// 8 lanes in ymm registers (x86-64 with AVX2).
        case avx2
        /// 8 lanes in ymm (AVX-512VL), 16 in zmm (AVX-512F).
        case avx512

        var c: cmd5_kernel {
            switch self {
            case .auto: CMD5_KERNEL_AUTO
            case .scalar: CMD5_KERNEL_SCALAR
            case .avx2: CMD5_KERNEL_AVX2
            case .avx512: CMD5_KERNEL_AVX512
            }
        }

        /// Whether this CPU (and build) runs it.
        public var isSupported: Bool { cmd5_kernel_supported(c) != 0 }

        /// The most lanes one call runs.
        var width: Int {
            switch self {
            case .auto: Self.best.width
            case .scalar: 1
            case .avx2: isSupported ? 8 : 1
            case .avx512: isSupported ? 16 : 1
            }
        }

        /// The kernel `.auto` uses for several lanes here.
        public static var best: Kernel {
            switch cmd5_best_kernel() {
            case CMD5_KERNEL_AVX512: .avx512
            case CMD5_KERNEL_AVX2: .avx2
            default: .scalar
            }
        }
    }

    /// The kernel: `.auto` except in tests and benchmarks that force one.
    public let kernel: Kernel
    private let lanes: Mutex<LaneTable>

    public init(kernel: Kernel = .auto) {
        self.kernel = kernel
        lanes = Mutex(LaneTable(capacity: Self.laneCapacity, width: kernel.width))
    }

    deinit {
        lanes.withLock { $0.freeAll() }
    }

    /// A lane for a new body, at MD5's start.
    public func acquire() -> Lane {
        lanes.withLock { Lane(index: $0.acquire()) }
    }

    /// Forgets what `lane` saw: the body starts again.
    public func reset(_ lane: Lane) {
        lanes.withLock { $0.reset(lane.index) }
    }

    /// The next bytes of `lane`'s body.
    public func append(_ lane: Lane, _ bytes: UnsafeRawBufferPointer) {
        let kernel = self.kernel.c
        // The bytes are copied into the lane, never kept: pass the caller's buffer as an address so the lock's
        // `sending` state does not take it into its region.
        let address = UInt(bitPattern: bytes.baseAddress), count = bytes.count
        lanes.withLock {
            $0.append(lane.index, UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: address), count: count),
                      kernel: kernel)
        }
    }

    /// The MD5 of everything `lane` saw since it was acquired or reset; frees the lane.
    public func finish(_ lane: Lane) -> [UInt8] {
        let kernel = self.kernel.c
        return lanes.withLock { $0.finish(lane.index, kernel: kernel) }
    }

    /// Frees `lane` without a digest (its body was abandoned).
    public func release(_ lane: Lane) {
        lanes.withLock { $0.release(lane.index) }
    }

    /// Lanes held now and pending buffers kept (tests: nothing leaks, memory stays bounded).
    public var usage: (held: Int, buffers: Int) {
        lanes.withLock { ($0.heldCount, $0.bufferCount) }
    }
}
