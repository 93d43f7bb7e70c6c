#if canImport(Glibc)
import Glibc
#endif

/// How many heaps glibc's allocator keeps for the process's threads.
///
/// glibc gives threads that allocate at the same time heaps of their own ("arenas"), up to eight per
/// core. A run allocates from every thread of the cooperative pool, the journal writer and the probe
/// threads: the items' long-lived state lands in several arenas, each with its own free space that
/// the others cannot use, and a 100,000-item run stayed ~12 MB more resident than with two arenas
/// (docs/performance.md, "Run process memory"). The allocator's own CPU cost barely moves: the run
/// spends it in parsing, hashing and the journal, not in lock waits.
public enum MallocArenas {
    /// Arenas a command that holds a whole catalogue keeps (`run`).
    public static let catalogueLimit: Int32 = 2

    /// Caps glibc's arenas at `count` (no effect elsewhere, or when `MALLOC_ARENA_MAX` is set: the
    /// environment wins). Call it before the threads that allocate start.
    public static func limit(to count: Int32 = catalogueLimit) {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        // `mallopt` is declared in <malloc.h>, which the Glibc module does not import: looked up by name.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mArenaMax: Int32 = -8  // M_ARENA_MAX
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mArenaMax, count)
        #endif
    }
}
