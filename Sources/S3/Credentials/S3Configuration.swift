import Foundation
import IngestCore

/// Where S3 is and how to address it: region, optional custom endpoint, path- or virtual-hosted style; and
/// whether uploads to it send a trailing checksum.
public struct S3Configuration: Sendable, Hashable {
    /// The signing region.
    public var region: String
    /// A custom endpoint (`http://127.0.0.1:8333`), or nil for AWS.
    public var endpoint: String?
    /// Whether the bucket goes into the path (`endpoint/bucket/key`) rather than the host name.
    public var pathStyle: Bool
    /// Whether uploads send a trailing CRC-32C (`SKYLARK_S3_TRAILING_CHECKSUM`; see `sendsTrailingChecksums`).
    public var trailingChecksum: TrailingChecksumSetting

    public init(region: String = "us-east-1", endpoint: String? = nil, pathStyle: Bool? = nil,
                trailingChecksum: TrailingChecksumSetting = .auto) {
        self.region = region
        self.endpoint = endpoint.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.pathStyle = pathStyle ?? (endpoint != nil)
        self.trailingChecksum = trailingChecksum
    }

    /// Whether uploads to this store send a trailing CRC-32C: the setting, `auto` being on for AWS and off
    /// for a custom endpoint (a store that pays for decoding `aws-chunked` on the same machine, or one that
    /// may not implement it).
    public var sendsTrailingChecksums: Bool { trailingChecksum.enabled(customEndpoint: endpoint != nil) }

    /// Resolves region and endpoint from environment variables (and the profile's, when given); the environment wins.
    ///
    /// Region: `AWS_REGION`, `AWS_DEFAULT_REGION`, `profileRegion`, else `us-east-1`.
    /// Endpoint: `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, then `profileEndpoint`; path-style when one is set.
    /// Trailing checksum: `SKYLARK_S3_TRAILING_CHECKSUM` (`auto` when unset or not understood; the validating
    /// functions refuse the latter).
    public static func fromEnvironment(_ environment: [String: String], profileRegion: String? = nil,
                                       profileEndpoint: String? = nil) -> S3Configuration {
        func value(_ name: String) -> String? {
            guard let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        let region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") ?? profileRegion ?? "us-east-1"
        let endpoint = value("AWS_ENDPOINT_URL_S3") ?? value("AWS_ENDPOINT_URL") ?? profileEndpoint
        return S3Configuration(region: region, endpoint: endpoint,
                               trailingChecksum: (try? TrailingChecksumSetting.from(environment)) ?? .auto)
    }

    /// Region and endpoint from the environment and the profile of the shared files (`AWS_PROFILE`):
    /// its `region`, its `services` section's `s3 = endpoint_url = …`, or its global `endpoint_url`.
    /// The endpoint used is checked like `validatedFromEnvironment` does (`S3_ENDPOINT_INVALID`).
    public static func resolve(environment: [String: String]) throws -> S3Configuration {
        let config = SharedConfig.load(environment: environment)
        let profile = SharedConfigPaths(environment: environment).profile
        let profileEndpoint = config.endpoint(service: "s3", profile: profile)
        let fromVariables = try validatedFromEnvironment(environment)
        if fromVariables.endpoint == nil, let profileEndpoint,
           let problem = endpointProblem(profileEndpoint, setting: "the S3 endpoint_url of profile \(profile)") {
            throw problem
        }
        return fromEnvironment(environment, profileRegion: config.region(profile: profile), profileEndpoint: profileEndpoint)
    }

    /// `fromEnvironment`, refusing an endpoint that is not an `http://` or `https://` URL with a host
    /// (`S3_ENDPOINT_INVALID`, a configuration error): without a scheme, `127.0.0.1:8333` would be
    /// spoken to over TLS and fail as an obscure TLS error. A `SKYLARK_S3_TRAILING_CHECKSUM` other than
    /// `auto`, `on` or `off` is refused too (`CONFIG_SYNTAX`).
    public static func validatedFromEnvironment(_ environment: [String: String], profileRegion: String? = nil) throws
        -> S3Configuration {
        for name in ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"] {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { continue }
            if let problem = endpointProblem(value, setting: name) { throw problem }
            break   // the one used
        }
        _ = try TrailingChecksumSetting.from(environment)
        return fromEnvironment(environment, profileRegion: profileRegion)
    }

    /// Why `endpoint` (the value of `setting`) cannot be the S3 endpoint, or nil when it can.
    public static func endpointProblem(_ endpoint: String, setting: String) -> IngestError? {
        let lowered = endpoint.lowercased()
        let scheme = ["http://", "https://"].first { lowered.hasPrefix($0) }
        // User info may be a secret: never shown.
        let shown = endpoint.contains("@") ? "…@…" : DiagnosticText.escaped(endpoint)
        guard let scheme else {
            let example = endpoint.contains("://") || endpoint.contains("@") ? "http://127.0.0.1:8333" : "http://\(shown)"
            return IngestError(code: .s3EndpointInvalid,
                               message: "\(setting) is `\(shown)`, which is not an http:// or https:// URL",
                               hint: "include the scheme, e.g. \(example)")
        }
        let rest = endpoint.dropFirst(scheme.count)
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if host.isEmpty || host.hasPrefix(":") || rest.contains("?") || rest.contains("#") || host.contains("@") {
            return IngestError(code: .s3EndpointInvalid,
                               message: "\(setting) is `\(shown)`, which is not an endpoint URL (scheme, host and optional port and path)",
                               hint: "e.g. http://127.0.0.1:8333 or https://s3.eu-west-1.amazonaws.com")
        }
        return nil
    }

    /// The URL parts of a request to `bucket` (and `key`), with `query` pairs (nil value = bare name).
    public func location(bucket: String, key: String?, query: [(String, String?)] = []) -> S3Location {
        let scheme: String
        let host: String
        var path: String
        if let endpoint {
            let split = endpoint.range(of: "://")
            scheme = split.map { String(endpoint[..<$0.lowerBound]) } ?? "https"
            let rest = split.map { String(endpoint[$0.upperBound...]) } ?? endpoint
            let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
            host = String(rest[..<hostEnd])
            let basePath = String(rest[hostEnd...])
            path = basePath
            if pathStyle {
                path += "/" + S3PercentEncoding.encodeKey(bucket)
                if let key { path += "/" + S3PercentEncoding.encodeKey(key) }
            } else {
                path += "/" + (key.map(S3PercentEncoding.encodeKey) ?? "")
            }
            if !pathStyle { return S3Location(scheme: scheme, host: "\(bucket).\(host)", path: path, query: query) }
        } else {
            scheme = "https"
            if pathStyle {
                host = region == "us-east-1" ? "s3.amazonaws.com" : "s3.\(region).amazonaws.com"
                path = "/" + S3PercentEncoding.encodeKey(bucket) + (key.map { "/" + S3PercentEncoding.encodeKey($0) } ?? "")
            } else {
                host = region == "us-east-1" ? "\(bucket).s3.amazonaws.com" : "\(bucket).s3.\(region).amazonaws.com"
                path = "/" + (key.map(S3PercentEncoding.encodeKey) ?? "")
            }
        }
        return S3Location(scheme: scheme, host: host, path: path, query: query)
    }
}

/// A request target: scheme, host (as signed), encoded path and query.
public struct S3Location: Sendable {
    /// `http` or `https`.
    public var scheme: String
    /// The host with a non-default port kept (`127.0.0.1:9000`).
    public var host: String
    /// The percent-encoded path, the canonical URI as is.
    public var path: String
    /// Query pairs before encoding; nil value = bare name (`?uploads`).
    public var query: [(String, String?)]

    /// The query string as sent (names and values encoded, `/` too), without `?`.
    public var queryString: String {
        query.map { name, value in
            let encodedName = S3PercentEncoding.encode(name)
            return value.map { "\(encodedName)=\(S3PercentEncoding.encode($0))" } ?? encodedName
        }.joined(separator: "&")
    }

    /// The `Host` value as signed: default ports dropped.
    public var signedHost: String {
        if scheme == "http", host.hasSuffix(":80") { return String(host.dropLast(3)) }
        if scheme == "https", host.hasSuffix(":443") { return String(host.dropLast(4)) }
        return host
    }

    /// The complete URL.
    public var url: String {
        let q = queryString
        return "\(scheme)://\(host)\(path)" + (q.isEmpty ? "" : "?\(q)")
    }
}
