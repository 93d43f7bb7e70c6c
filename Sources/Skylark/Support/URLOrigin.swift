import Foundation

/// The origin (RFC 6454) of an absolute http(s) URL: lower-case scheme and host, port with the
/// scheme's default filled in, so `HTTPS://Host:443/` and `https://host/` compare equal.
///
/// Parsing is deliberately strict: an authority with characters RFC 3986 does not allow there (a
/// backslash, a space, a control character) is not parsed, so no other URL parser (libcurl's) can
/// read a different host out of a URL this one accepted.
struct URLOrigin: Hashable, Sendable {
    /// `http` or `https`.
    let scheme: String
    /// Lower case; an IPv6 address without its brackets.
    let host: String
    let port: Int
    /// Whether the URL carries `user[:password]@`.
    let hasUserInfo: Bool

    /// The origin of `url`, or nil when it is not an absolute http(s) URL with a well-formed authority.
    init?(_ url: String) {
        guard let separator = url.range(of: "://") else { return nil }
        let scheme = url[..<separator.lowerBound].lowercased()
        let defaultPort: Int
        switch scheme {
        case "http": defaultPort = 80
        case "https": defaultPort = 443
        default: return nil
        }
        let rest = url[separator.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard authority.unicodeScalars.allSatisfy(URLOrigin.isAuthorityCharacter) else { return nil }
        var hasUserInfo = false
        if let at = authority.lastIndex(of: "@") {
            hasUserInfo = true
            authority = authority[authority.index(after: at)...]
        }
        var host: Substring
        var portText: Substring = ""
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else {
            host = authority
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            }
        }
        guard !host.isEmpty, !host.contains("[") && !host.contains("]") else { return nil }
        var port = defaultPort
        if !portText.isEmpty {
            guard portText.count <= 5, portText.allSatisfy(\.isASCII), let value = Int(portText), (1...65535).contains(value)
            else { return nil }
            port = value
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
        self.hasUserInfo = hasUserInfo
    }

    /// Whether the host is this machine: `localhost`, an IPv4 address in 127.0.0.0/8 (dotted quad) or `::1`.
    var isLoopback: Bool {
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        let octets = parts.map { part -> Int? in
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(part).flatMap { $0 <= 255 ? $0 : nil }
        }
        return octets.allSatisfy { $0 != nil } && octets[0] == 127
    }

    /// Whether requests to this origin may carry secrets: https anywhere, plain http only to loopback.
    var isSecureTransport: Bool { scheme == "https" || isLoopback }

    /// RFC 3986 authority characters: unreserved, sub-delims, `%`, `:`, `@`, `[`, `]`.
    private static func isAuthorityCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "~", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";",
             "=", "%", ":", "@", "[", "]":
            return true
        default:
            return false
        }
    }
}
