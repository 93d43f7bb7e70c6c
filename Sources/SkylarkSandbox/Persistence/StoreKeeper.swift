import Foundation

/// The actor that owns the one live `SandboxStore` and knows whether it changed since the last save.
actor StoreKeeper {
    private(set) var store: SandboxStore
    private var dirty = false

    init(store: SandboxStore) { self.store = store }

    /// Runs a read-only operation on the store.
    func read<T: Sendable>(_ body: @Sendable (SandboxStore) throws -> T) throws -> T {
        try body(store)
    }

    /// Runs a mutation; the store is marked dirty (to be saved) when it succeeds.
    func mutate<T: Sendable>(_ body: @Sendable (inout SandboxStore) throws -> T) throws -> T {
        let result = try body(&store)
        dirty = true
        return result
    }

    /// Counts one answered request.
    func countRequest(route: String, status: Int, isWrite: Bool) {
        store.countRequest(route: route, status: status, isWrite: isWrite)
        dirty = true
    }

    /// The state to save when something changed since the last call, else nil.
    func takeDirtySnapshot() -> SandboxState? {
        guard dirty else { return nil }
        dirty = false
        return store.state
    }

    /// Marks the state as needing a save again (a save failed).
    func markDirty() { dirty = true }
}
