import Foundation
import Hummingbird
import IngestCore

/// The `/api/` handlers: parse, call the store through its actor, render. No rules live here.
struct APIHandlers {
    let core: SandboxCore

    func handle(_ route: Route, _ request: inout Request) async throws -> Response {
        let query = QueryString.parse(request.uri.query)
        let method = request.method
        let origin = Self.origin(of: request, fallbackPort: core.configuration.port)
        switch (route, method) {
        case (.assetTypes, .get):
            let paging = try Paging(query)
            return try await list { $0.assetTypes(name: query["name"]).map($0.render) } paging: { paging }
        case (.assetType(let uid), .get):
            return try await one { try $0.render($0.assetType(uid: uid)) }
        case (.assets, .get):
            let paging = try Paging(query)
            return try await list { $0.assets(slug: query["slug"]).map($0.render) } paging: { paging }
        case (.assets, .post):
            let body = try await Self.jsonObject(&request)
            return try await create { store in store.render(try store.createAsset(body)) }
        case (.asset(let uid), .get):
            return try await one { try $0.render($0.asset(uid: uid)) }
        case (.assetByDataSource(let id), .get):
            return try await one { try $0.render($0.asset(dataSourceID: id)) }
        case (.textTracks, .get):
            let paging = try Paging(query)
            return try await list { $0.textTracks.map($0.render) } paging: { paging }
        case (.textTracks, .post):
            let body = try await Self.jsonObject(&request)
            return try await create { store in store.render(try store.createTextTrack(body)) }
        case (.textTrack(let uid), .get):
            return try await one { try $0.render($0.textTrack(uid: uid)) }
        case (.documentTypes, .get):
            let paging = try Paging(query)
            return try await list { $0.documentTypes(name: query["name"]).map($0.render) } paging: { paging }
        case (.documentType(let uid), .get):
            return try await one { try $0.render($0.documentType(uid: uid)) }
        case (.documents, .get):
            let paging = try Paging(query)
            return try await list { store in
                store.documents(contentURL: query["content_url"]).map { store.render($0, origin: origin) }
            } paging: { paging }
        case (.documents, .post):
            let body = try await Self.jsonObject(&request)
            return try await create { store in
                store.render(try store.createDocument(body), origin: origin)
            }
        case (.document(let uid), .get):
            return try await one { try $0.render($0.document(uid: uid), origin: origin) }
        case (.documentUpload(let uid), .post):
            return try await upload(uid: uid, &request, origin: origin)
        default:
            throw APIError(status: 405, code: "BAD_REQUEST", message: "Method \(method.rawValue) not allowed here.")
        }
    }

    private func list(_ body: @escaping @Sendable (SandboxStore) -> [JSONValue],
                      paging: () -> Paging) async throws -> Response {
        let p = paging()
        let all = try await core.keeper.read { body($0) }
        return Responses.json(SandboxStore.renderPage(Page(all, start: p.start, limit: p.limit)), status: 200)
    }

    private func one(_ body: @escaping @Sendable (SandboxStore) throws -> JSONValue) async throws -> Response {
        Responses.json(try await core.keeper.read(body), status: 200)
    }

    private func create(_ body: @escaping @Sendable (inout SandboxStore) throws -> JSONValue) async throws -> Response {
        Responses.json(try await core.keeper.mutate(body), status: 201)
    }

    private func upload(uid: String, _ request: inout Request, origin: String) async throws -> Response {
        _ = try await core.keeper.read { store in try store.document(uid: uid) }
        guard let contentType = request.headers[.contentType], let boundary = Multipart.boundary(contentType: contentType) else {
            throw APIError.badRequest("Expected multipart/form-data with a 'file' field.")
        }
        let body = try await SandboxResponder.body(&request)
        guard let parts = Multipart.parse(body, boundary: boundary) else {
            throw APIError.badRequest("Malformed multipart body.")
        }
        guard let file = parts.first(where: { $0.name == "file" && $0.fileName != nil }) else {
            throw APIError.form(["file": ["No file was submitted."]])
        }
        let bytes = file.body
        let document = try await core.keeper.mutate { store in
            try store.uploadDocument(uid: uid, bytes: bytes)
        }
        do {
            try core.stateDirectory?.saveMedia(uid: uid, fileName: document.fileName, bytes: bytes)
        } catch {
            throw APIError(status: 500, code: "SERVER_ERROR", message: "Could not store the file: \(error)")
        }
        let rendered = try await core.keeper.read { $0.render(document, origin: origin) }
        return Responses.json(rendered, status: 200)
    }

    /// `http://<Host header>`, so absolute URLs point back through whatever proxy the client used.
    static func origin(of request: Request, fallbackPort: Int) -> String {
        if let authority = request.head.authority, !authority.isEmpty { return "http://\(authority)" }
        return "http://127.0.0.1:\(fallbackPort)"
    }

    /// The request body as a JSON object, or 400 BAD_REQUEST.
    static func jsonObject(_ request: inout Request) async throws -> [String: JSONValue] {
        let bytes = try await SandboxResponder.body(&request)
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(bytes)) else {
            throw APIError.badRequest("The request body must be a JSON object.")
        }
        return object
    }
}

/// `?start=S&limit=L` (limit default 20, at most 100).
struct Paging: Sendable {
    var start = 0
    var limit = 20

    init(_ query: [String: String]) throws(APIError) {
        if let text = query["start"] {
            guard let value = Int(text), value >= 0 else { throw .badRequest("start must be a non-negative integer.") }
            start = value
        }
        if let text = query["limit"] {
            guard let value = Int(text), value >= 1 else { throw .badRequest("limit must be a positive integer.") }
            limit = min(value, 100)
        }
    }
}
