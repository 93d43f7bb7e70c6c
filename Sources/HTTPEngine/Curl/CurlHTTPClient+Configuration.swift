import Logging

extension CurlHTTPClient {
    /// How the libcurl engine connects, times out, verifies TLS and logs.
    ///
    /// Proxies come from the environment: libcurl itself reads `http_proxy` (lower case only),
    /// `https_proxy`/`HTTPS_PROXY`, `all_proxy`/`ALL_PROXY` and `no_proxy`/`NO_PROXY` for every
    /// request, because the engine never sets `CURLOPT_PROXY`.
    public struct Configuration: Sendable {
        /// Limit for establishing a TCP (and TLS) connection.
        public var connectTimeout: Duration = .seconds(10)
        /// Stall detection: a transfer slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` fails
        /// with `.timedOut`.
        public var lowSpeedLimit: Int = 1
        /// See `lowSpeedLimit`.
        public var lowSpeedTime: Duration = .seconds(60)
        /// A PEM bundle of CA certificates used instead of the system store (`--ca-bundle`).
        /// TLS peer and host verification are always on.
        public var caBundle: String?
        /// Connections kept open per host (CURLMOPT_MAX_HOST_CONNECTIONS); more requests queue.
        public var maxHostConnections: Int = 32
        /// Connections open in total (CURLMOPT_MAX_TOTAL_CONNECTIONS) and kept in the shared cache.
        public var maxTotalConnections: Int = 64
        /// Send `Expect: 100-continue` before PUT/POST bodies (off: S3 and Skylark answer fast).
        public var expectContinue: Bool = false
        /// Size of curl's upload buffer, i.e. the most bytes one read callback asks for. Each request in flight
        /// holds one (file bytes are read straight into it and hashed there): 128 KiB keeps eight parts in
        /// flight at 1 MiB, where the cost per byte (hash, copies) no longer depends on the size.
        public var uploadBufferSize: Int = 128 * 1024
        /// Responses larger than this fail with `.receiveFailed` (responses are kept in memory).
        public var maxResponseBytes: Int = 64 * 1024 * 1024
        /// Idle easy handles kept for reuse.
        public var handlePoolSize: Int = 32
        /// Debug log of every exchange (method, redacted URL, status, duration, redacted headers);
        /// nil logs nothing. Bodies are never logged.
        public var logger: Logger?
        /// The `User-Agent` header sent when a request sets none.
        public var userAgent: String = "skylark-ingest"

        /// The defaults described on each property.
        public init() {}
    }
}

extension Duration {
    /// Whole milliseconds (rounded down), for curl's `_MS` options.
    var wholeMilliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }

    /// Seconds as a floating-point number.
    var secondsDouble: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
