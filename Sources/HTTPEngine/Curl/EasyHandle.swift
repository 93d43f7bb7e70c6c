import CCurl

/// Owns one `CURL *` easy handle: created and cleaned up in exactly one place.
///
/// Used only on the engine thread.
final class EasyHandle {
    /// The raw handle, valid for the lifetime of this object.
    let raw: UnsafeMutableRawPointer

    /// Makes a fresh handle, or nil when libcurl cannot allocate one.
    init?() {
        guard CurlGlobal.initialized, let handle = curl_easy_init() else { return nil }
        raw = handle
    }

    /// Forgets every option set on the handle so it can serve another request
    /// (connections stay in the multi handle's shared cache).
    func reset() {
        curl_easy_reset(raw)
    }

    deinit {
        curl_easy_cleanup(raw)
    }
}

/// A small stack of idle easy handles, reused across requests. Engine thread only.
struct EasyHandlePool {
    private var idle: [EasyHandle] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// An idle handle (reset) or a new one.
    mutating func take() -> EasyHandle? {
        if let handle = idle.popLast() { return handle }
        return EasyHandle()
    }

    /// Gives `handle` back; it is reset, or freed when the pool is full.
    mutating func giveBack(_ handle: EasyHandle) {
        guard idle.count < capacity else { return }
        handle.reset()
        idle.append(handle)
    }

    /// Frees every idle handle.
    mutating func drain() {
        idle.removeAll()
    }
}
