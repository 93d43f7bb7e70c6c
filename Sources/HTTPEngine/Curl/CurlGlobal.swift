import CCurl

/// libcurl's process-wide initialisation, done exactly once before the first handle is made.
enum CurlGlobal {
    /// Runs `curl_global_init` the first time it is read (Swift initialises static lets once,
    /// thread-safely).
    static let initialized: Bool = {
        curl_global_init(ccurl_global_all()) == CURLE_OK
    }()
}
