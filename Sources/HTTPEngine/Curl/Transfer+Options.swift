import CCurl
import Foundation

extension Transfer {
    /// Sets every option of the request on `easy`; returns an error when curl refuses one.
    func configure(_ easy: EasyHandle, _ configuration: CurlHTTPClient.Configuration) -> TransportError? {
        let h = easy.raw
        let me = Unmanaged.passUnretained(self).toOpaque()
        var failed: (String, CURLcode)?
        // The option's name is formatted only when it failed: `"\(option)"` reflects a C enum (a Mirror walk),
        // and formatting it for each of ~25 options per request was ~6 % of a run's CPU.
        func check(_ what: @autoclosure () -> String, _ code: CURLcode) {
            if code != CURLE_OK && failed == nil { failed = (what(), code) }
        }
        func long(_ option: CURLoption, _ value: Int) { check("\(option)", ccurl_easy_setopt_long(h, option, value)) }

        check("URL", ccurl_easy_setopt_string(h, CURLOPT_URL, request.url))
        check("ERRORBUFFER", ccurl_easy_setopt_pointer(h, CURLOPT_ERRORBUFFER, errorBuffer))
        check("PRIVATE", ccurl_easy_setopt_pointer(h, CURLOPT_PRIVATE, me))
        long(CURLOPT_NOSIGNAL, 1)
        long(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        long(CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS))
        long(CURLOPT_FOLLOWLOCATION, 0)
        // Send the path exactly as built: libcurl would otherwise squash `.`/`..` segments and turn
        // `bucket/a/../b` into another key, or another bucket, than the one signed.
        long(CURLOPT_PATH_AS_IS, 1)
        long(CURLOPT_SSL_VERIFYPEER, 1)
        long(CURLOPT_SSL_VERIFYHOST, 2)
        if let bundle = configuration.caBundle {
            check("CAINFO", ccurl_easy_setopt_string(h, CURLOPT_CAINFO, bundle))
        }
        long(CURLOPT_TCP_KEEPALIVE, 1)
        long(CURLOPT_TCP_KEEPIDLE, 60)
        long(CURLOPT_TCP_KEEPINTVL, 30)
        long(CURLOPT_TCP_NODELAY, 1)
        long(CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout.wholeMilliseconds))
        long(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit)
        long(CURLOPT_LOW_SPEED_TIME, max(1, Int(configuration.lowSpeedTime.components.seconds)))
        if let timeout = request.timeout {
            long(CURLOPT_TIMEOUT_MS, max(1, Int(timeout.wholeMilliseconds)))
        }
        if let rate = request.maxSendBytesPerSecond, rate > 0 {
            check("MAX_SEND_SPEED", ccurl_easy_setopt_off_t(h, CURLOPT_MAX_SEND_SPEED_LARGE, curl_off_t(rate)))
        }
        long(CURLOPT_UPLOAD_BUFFERSIZE, configuration.uploadBufferSize)
        maxResponseBytes = configuration.maxResponseBytes

        // Response: headers and body into this transfer.
        check("HEADERFUNCTION", ccurl_easy_setopt_header_callback(h, transferHeaderCallback))
        check("HEADERDATA", ccurl_easy_setopt_pointer(h, CURLOPT_HEADERDATA, me))
        check("WRITEFUNCTION", ccurl_easy_setopt_write_callback(h, transferWriteCallback))
        check("WRITEDATA", ccurl_easy_setopt_pointer(h, CURLOPT_WRITEDATA, me))

        // Progress: only when someone listens.
        if progress != nil {
            long(CURLOPT_NOPROGRESS, 0)
            check("XFERINFOFUNCTION", ccurl_easy_setopt_xferinfo_callback(h, transferProgressCallback))
            check("XFERINFODATA", ccurl_easy_setopt_pointer(h, CURLOPT_XFERINFODATA, me))
        }

        // Method and body.
        let length = request.sentBodyLength
        let hasBody: Bool = if case .none = request.body { false } else { true }
        let method = request.method.uppercased()
        switch method {
        case "GET" where !hasBody:
            long(CURLOPT_HTTPGET, 1)
        case "HEAD":
            long(CURLOPT_NOBODY, 1)
        case "PUT":
            long(CURLOPT_UPLOAD, 1)
            check("INFILESIZE", ccurl_easy_setopt_off_t(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(length)))
        case "POST":
            long(CURLOPT_POST, 1)
            check("POSTFIELDSIZE", ccurl_easy_setopt_off_t(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(length)))
        default:
            if hasBody {
                long(CURLOPT_UPLOAD, 1)
                check("INFILESIZE", ccurl_easy_setopt_off_t(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(length)))
            }
            check("CUSTOMREQUEST", ccurl_easy_setopt_string(h, CURLOPT_CUSTOMREQUEST, method))
        }
        if hasBody || method == "PUT" || method == "POST" {
            check("READFUNCTION", ccurl_easy_setopt_read_callback(h, transferReadCallback))
            check("READDATA", ccurl_easy_setopt_pointer(h, CURLOPT_READDATA, me))
            check("SEEKFUNCTION", ccurl_easy_setopt_seek_callback(h, transferSeekCallback))
            check("SEEKDATA", ccurl_easy_setopt_pointer(h, CURLOPT_SEEKDATA, me))
        }

        // Headers: the request's own, plus suppression of curl's defaults that would change what
        // was signed (a form Content-Type on POST, Expect on large bodies).
        var list: UnsafeMutablePointer<curl_slist>?
        func append(_ line: String) { list = curl_slist_append(list, line) }
        for field in request.headers {
            append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if (method == "POST" || hasBody) && request.headers["Content-Type"] == nil {
            append("Content-Type:")
        }
        if !configuration.expectContinue && request.headers["Expect"] == nil {
            append("Expect:")
        }
        if request.headers["User-Agent"] == nil {
            append("User-Agent: \(configuration.userAgent)")
        }
        headerList = list
        check("HTTPHEADER", ccurl_easy_setopt_slist(h, CURLOPT_HTTPHEADER, list))

        if let (what, code) = failed {
            return TransportError(kind: .other, message: "curl refused option \(what): \(String(cString: curl_easy_strerror(code)))",
                                  url: urlForErrors)
        }
        return nil
    }
}

/// Recovers the transfer from a callback's user pointer.
private func transfer(_ pointer: UnsafeMutableRawPointer?) -> Transfer {
    Unmanaged<Transfer>.fromOpaque(pointer!).takeUnretainedValue()
}

private let transferWriteCallback: curl_write_callback = { data, size, count, user in
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    return transfer(user).receiveBody(bytes) ? size * count : 0
}

private let transferHeaderCallback: curl_write_callback = { data, size, count, user in
    transfer(user).receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

private let transferReadCallback: curl_read_callback = { buffer, size, count, user in
    guard let buffer else { return ccurl_readfunc_abort() }
    return transfer(user).readBody(into: UnsafeMutableRawPointer(buffer), capacity: size * count) ?? ccurl_readfunc_abort()
}

private let transferSeekCallback: curl_seek_callback = { user, offset, origin in
    let t = transfer(user)
    guard origin == SEEK_SET, offset >= 0, offset <= t.request.sentBodyLength else { return ccurl_seekfunc_fail() }
    // A rewind of a body already handed to curl means curl is about to send the request again on its own
    // (a reused connection died after the request went out): refused for requests that must not repeat.
    if !t.request.repeatable && t.bodyPosition > 0 { return ccurl_seekfunc_fail() }
    if offset == 0 {
        t.restartBody()
        return ccurl_seekfunc_ok()
    }
    // Anywhere else only for a plain body nobody watches (an observer must see every byte once, in order).
    guard t.request.bodyObserver == nil && t.request.awsChunked == nil else { return ccurl_seekfunc_fail() }
    t.bodyPosition = Int64(offset)
    t.payloadPosition = Int64(offset)
    return ccurl_seekfunc_ok()
}

private let transferProgressCallback: curl_xferinfo_callback = { user, _, _, _, uploaded in
    let t = transfer(user)
    t.reportProgress(bytesSent: Int64(uploaded))
    return t.cancelRequested ? 1 : 0
}
