import HTTPEngine
import IngestCore
import Logging

extension SkylarkClient {
    /// A client configured from the environment (or a `--config` file's keys in the same names):
    /// `SKYLARK_API_URL` plus the credentials `SkylarkAuthSettings` reads.
    /// Throws `SKYLARK_NOT_CONFIGURED` or `AUTH_NOT_CONFIGURED` naming what is missing.
    /// `apiHTTPClient`, when given, carries the API calls (e.g. one bounded by the run's adaptive concurrency);
    /// sign-in and token refresh always use `httpClient`.
    public init(environment: [String: String], httpClient: any HTTPClient, apiHTTPClient: (any HTTPClient)? = nil,
                retry: RetryExecutor = .skylarkDefault, logger: Logger = Logger(label: "skylark.api")) throws {
        let apiURL = try SkylarkClient.apiURL(environment: environment)
        let settings = try SkylarkAuthSettings(environment: environment)
        self.init(apiURL: apiURL, httpClient: apiHTTPClient ?? httpClient,
                  tokenProvider: settings.makeTokenProvider(httpClient: httpClient, logger: logger),
                  retry: retry, logger: logger)
    }

    /// `SKYLARK_API_URL`, checked to be an http(s) URL without user info, `https://` unless the host is
    /// loopback (127.0.0.0/8, `localhost`, `::1`): the bearer token must not cross the network in clear.
    public static func apiURL(environment: [String: String]) throws -> String {
        guard let url = environment["SKYLARK_API_URL"], !url.isEmpty else {
            throw IngestError(code: .skylarkNotConfigured, message: "SKYLARK_API_URL is not set",
                              hint: "set it to the API root, e.g. https://skylark.example.com/api/")
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://"),
              url.dropFirst(url.hasPrefix("https://") ? 8 : 7).first.map({ $0 != "/" }) == true else {
            throw IngestError(code: .skylarkNotConfigured, message: "SKYLARK_API_URL is not an http(s) URL: \(url)",
                              hint: "set it to the API root, e.g. https://skylark.example.com/api/")
        }
        guard let origin = URLOrigin(url) else {
            throw IngestError(code: .skylarkNotConfigured, message: "SKYLARK_API_URL has a host that cannot be read: "
                                  + Redaction.urlWithoutQuery(url),
                              hint: "set it to the API root, e.g. https://skylark.example.com/api/")
        }
        guard !origin.hasUserInfo else {
            throw IngestError(code: .skylarkNotConfigured, message: "SKYLARK_API_URL must not carry credentials "
                                  + "(user info before @): " + Redaction.urlWithoutQuery(url),
                              hint: "remove them from the URL; set SKYLARK_TOKEN, or SKYLARK_USERNAME and SKYLARK_PASSWORD")
        }
        guard origin.isSecureTransport else {
            throw IngestError(code: .skylarkInsecureURL,
                              message: "SKYLARK_API_URL uses plain http to \(origin.host), which is not a loopback host: "
                                  + Redaction.urlWithoutQuery(url),
                              hint: "use https:// (plain http:// is accepted only for 127.0.0.1, localhost and ::1)")
        }
        return url
    }
}
