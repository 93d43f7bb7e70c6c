import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import IngestCore
import SkylarkSandbox

/// A small JSON-over-HTTP client for the sandbox tests (URLSession, no caching, no cookies).
struct SandboxHTTP: Sendable {
    let base: String
    var token: String?

    struct Reply: @unchecked Sendable {
        let status: Int
        let headers: [String: String]
        let data: Data
        /// The body as a JSON object (nil when it is not one).
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] }
        /// `json[key]` as a string.
        func string(_ key: String) -> String? { json?[key] as? String }
        /// `json["objects"]`.
        var objects: [[String: Any]] { json?["objects"] as? [[String: Any]] ?? [] }
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.timeoutIntervalForRequest = 30
        return URLSession(configuration: configuration)
    }()

    /// Sends `method` to `path` (relative to `base`, or absolute) with an optional JSON body.
    func send(_ method: String, _ path: String, json: Any? = nil, body: Data? = nil,
              headers: [String: String] = [:]) async throws -> Reply {
        let url = URL(string: path.hasPrefix("http") ? path : base + path)!
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await Self.session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields["\(name)".lowercased()] = "\(value)" }
        return Reply(status: http.statusCode, headers: fields, data: data)
    }

    func get(_ path: String) async throws -> Reply { try await send("GET", path) }
    func post(_ path: String, _ json: Any) async throws -> Reply { try await send("POST", path, json: json) }

    /// Uploads `bytes` as the multipart field `file` named `fileName`.
    func upload(_ url: String, fileName: String, bytes: [UInt8]) async throws -> Reply {
        let boundary = "sandbox-test-\(UUID().uuidString)"
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\n".utf8)
        body.append(Data("Content-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(Data(bytes))
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await send("POST", url, body: body, headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"])
    }

    /// The sandbox's `/_admin/state` dump.
    func adminState() async throws -> [String: Any] {
        try await SandboxHTTP(base: base, token: nil).get("/_admin/state").json ?? [:]
    }
}

/// Starts an in-process sandbox for a test and stops it afterwards, whatever happens.
func withSandbox<T>(_ configure: (inout SandboxConfiguration) -> Void = { _ in },
                    _ body: (SkylarkSandbox, SandboxHTTP) async throws -> T) async throws -> T {
    var configuration = SandboxConfiguration()
    configuration.users = [SandboxUser(name: "demo", password: Secret("Demo-Passw0rd!"))]
    configuration.logRequests = false
    configure(&configuration)
    let sandbox = try SkylarkSandbox(configuration: configuration)
    let port = try await sandbox.start()
    let token = await sandbox.idToken(for: "demo")
    do {
        let result = try await body(sandbox, SandboxHTTP(base: "http://127.0.0.1:\(port)", token: token))
        await sandbox.stop()
        return result
    } catch {
        await sandbox.stop()
        throw error
    }
}
