import Foundation
import Hummingbird
import IngestCore

/// Routes every request: applies latency and faults to API (and optionally Cognito) calls, dispatches to
/// the thin handlers, counts the answer per route template and status, and logs one line.
struct SandboxResponder: HTTPResponder {
    typealias Context = SandboxRequestContext
    let core: SandboxCore

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let route = Route.match(path: request.uri.path)
        let method = request.method.rawValue
        let counterKey = route == .cognito
            ? "\(method) /cognito/ \(request.headers[.init("X-Amz-Target")!]?.split(separator: ".").last ?? "?")"
            : "\(method) \(route.template)"
        let counted = route.area == .api || route.area == .cognito || route.area == .unknown
        let isWrite = route.area == .api && ["POST", "PUT", "PATCH", "DELETE"].contains(method)
        var decision = FaultDecision(fault: nil, delayMs: 0)
        if route.area == .api || route.area == .cognito { decision = await core.faults.decide(cognito: route.area == .cognito, method: method) }
        if decision.delayMs > 0 { try? await Task.sleep(for: .milliseconds(decision.delayMs)) }

        let response: Response
        switch decision.fault {
        case .drop?:
            if counted { await core.keeper.countRequest(route: counterKey, status: 0, isWrite: isWrite) }
            log(method, request, "dropped", started, note: "fault=drop")
            context.dropConnection()
            throw ConnectionDropped()
        case .serverError?:
            response = Responses.error(.serverError())
        case .unavailable?:
            response = Responses.error(APIError(status: 503, code: "SERVICE_UNAVAILABLE",
                                                message: "Service unavailable (injected fault).", retryAfter: 1))
        case .rateLimited?:
            response = Responses.error(APIError(status: 429, code: "RATE_LIMITED",
                                                message: "Too many requests (injected fault).", retryAfter: 1))
        case .commitThenServerError?:
            _ = await handle(route, request)
            response = Responses.error(.serverError("Internal server error after commit (injected fault)."))
        case .commitThenDrop?:
            _ = await handle(route, request)
            if counted { await core.keeper.countRequest(route: counterKey, status: 0, isWrite: isWrite) }
            log(method, request, "dropped", started, note: "fault=commitThenDrop")
            context.dropConnection()
            throw ConnectionDropped()
        case nil:
            response = await handle(route, request)
        }
        if counted { await core.keeper.countRequest(route: counterKey, status: response.status.code, isWrite: isWrite) }
        log(method, request, String(response.status.code), started, note: decision.fault.map { "fault=\($0.rawValue)" })
        return response
    }

    private func log(_ method: String, _ request: Request, _ status: String, _ started: ContinuousClock.Instant,
                     note: String?) {
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        core.log.request(method: method, path: request.uri.path, status: status, milliseconds: ms, note: note)
    }

    /// The answer to one request, errors included (never throws).
    private func handle(_ route: Route, _ request: Request) async -> Response {
        var request = request
        do {
            switch route.area {
            case .admin: return try await AdminHandlers(core: core).handle(route, &request)
            case .credentials: return try await CredentialHandlers(core: core).handle(route, &request)
            case .cognito:
                guard request.method == .post else { throw APIError(status: 405, code: "BAD_REQUEST", message: "POST only.") }
                let body = try await Self.body(&request)
                let target = request.headers[.init("X-Amz-Target")!] ?? ""
                let (status, json) = await core.cognito.handle(target: target, body: body, now: Date())
                return Responses.json(json, status: status, contentType: "application/x-amz-json-1.1")
            case .media:
                guard case .media(let uid, let fileName) = route, let data = core.stateDirectory?.media(uid: uid, fileName: fileName)
                else { throw APIError.notFound("No such media file.") }
                return Responses.raw(data, status: 200, contentType: "application/octet-stream")
            case .unknown:
                throw APIError.notFound("No API route for \(request.uri.path).")
            case .api:
                try authenticate(request)
                return try await APIHandlers(core: core).handle(route, &request)
            }
        } catch let error as APIError {
            return Responses.error(error)
        } catch {
            return Responses.error(.badRequest("Could not read the request: \(error)"))
        }
    }

    private func authenticate(_ request: Request) throws(APIError) {
        guard let header = request.headers[.authorization] else {
            throw .unauthorized("Authentication credentials were not provided.")
        }
        let pieces = header.split(separator: " ", maxSplits: 1)
        guard pieces.count == 2, pieces[0].lowercased() == "bearer" else {
            throw .unauthorized("Authorization header must be 'Bearer <ID token>'.")
        }
        switch core.signer.verify(String(pieces[1]).trimmingCharacters(in: .whitespaces), use: "id", now: Date()) {
        case .success: return
        case .failure(let rejection): throw .unauthorized(rejection.message)
        }
    }

    /// The request body's bytes (bounded by the context's upload limit).
    static func body(_ request: inout Request) async throws -> [UInt8] {
        let buffer = try await request.collectBody(upTo: 64 << 20)
        return Array(buffer.readableBytesView)
    }
}
