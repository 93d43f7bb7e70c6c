import Foundation

/// Pure helpers that strip secrets from what the engine logs or puts in errors.
public enum Redaction {
    /// The text that replaces a secret.
    public static let mask = "***"

    /// Query parameters whose values are secrets (compared case-insensitively).
    public static let secretQueryParameters: Set<String> = [
        "x-amz-signature", "x-amz-credential", "x-amz-security-token", "signature", "token", "password",
        "access_token", "id_token", "refresh_token", "client_secret",
    ]

    /// Header fields whose values are secrets (compared case-insensitively).
    public static let secretHeaders: Set<String> = [
        "authorization", "proxy-authorization", "x-amz-security-token", "cookie", "set-cookie",
    ]

    /// `url` without its query string or fragment (for error messages).
    public static func urlWithoutQuery(_ url: String) -> String {
        var text = Substring(url)
        if let mark = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<mark] }
        return String(stripUserInfo(text))
    }

    /// `url` with secret query values replaced by `***` and any `user:password@` removed.
    public static func url(_ url: String) -> String {
        var text = Substring(url)
        var fragment = ""
        if let hash = text.firstIndex(of: "#") {
            fragment = "#" + mask
            text = text[..<hash]
        }
        guard let question = text.firstIndex(of: "?") else { return String(stripUserInfo(text)) + fragment }
        let base = stripUserInfo(text[..<question])
        let query = text[text.index(after: question)...]
        let items = query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            guard let equals = item.firstIndex(of: "=") else { return String(item) }
            let name = item[..<equals]
            return isSecretParameter(name) ? "\(name)=\(mask)" : String(item)
        }
        return base + "?" + items.joined(separator: "&") + fragment
    }

    /// Whether a query parameter name (possibly percent-encoded) names a secret.
    static func isSecretParameter(_ name: Substring) -> Bool {
        let decoded = name.removingPercentEncodingLossy.lowercased()
        return secretQueryParameters.contains(decoded)
    }

    /// The value to log for header `name`: `***` for secrets, else the value.
    public static func headerValue(name: String, value: String) -> String {
        secretHeaders.contains(name.lowercased()) ? mask : value
    }

    /// `headers` with secret values masked.
    public static func headers(_ headers: HTTPHeaders) -> HTTPHeaders {
        HTTPHeaders(headers.map { ($0.name, headerValue(name: $0.name, value: $0.value)) })
    }

    /// One line `Name: value; Name: value` with secrets masked.
    public static func headerSummary(_ headers: HTTPHeaders) -> String {
        headers.map { "\($0.name): \(headerValue(name: $0.name, value: $0.value))" }.joined(separator: "; ")
    }

    private static func stripUserInfo(_ url: Substring) -> Substring {
        guard let scheme = url.range(of: "://") else { return url }
        let authorityStart = scheme.upperBound
        let rest = url[authorityStart...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return url[..<authorityStart] + url[url.index(after: at)...]
    }
}

extension Substring {
    /// Percent-decoding that keeps undecodable input as is (names only; pure Swift).
    fileprivate var removingPercentEncodingLossy: String {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
