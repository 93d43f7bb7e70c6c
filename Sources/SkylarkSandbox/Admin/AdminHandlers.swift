import Foundation
import Hummingbird
import IngestCore

/// `/_admin/` (loopback, no auth, no faults): state dump, reset, fault settings, test tokens, health.
struct AdminHandlers {
    let core: SandboxCore

    func handle(_ route: Route, _ request: inout Request) async throws -> Response {
        switch (route, request.method) {
        case (.adminHealth, .get):
            return Responses.json(.object(["status": .string("ok")]), status: 200)
        case (.adminState, .get):
            let store = await core.keeper.store
            let faults = await core.faults.configuration
            var dump = Self.dump(store, faults: faults, users: await core.cognito.userNames)
            if case .object(var fields) = dump {
                fields["credentials"] = await core.credentials.state()
                dump = .object(fields)
            }
            return Responses.json(dump, status: 200)
        case (.adminReset, .post):
            try await core.keeper.mutate { store in store.reset() }
            core.stateDirectory?.removeMedia()
            core.log.event("state reset")
            return Responses.json(.object(["status": .string("reset")]), status: 200)
        case (.adminFaults, .get):
            return Responses.encodable(await core.faults.configuration)
        case (.adminFaults, .post):
            let bytes = try await SandboxResponder.body(&request)
            var updated = await core.faults.configuration
            struct Merge: Decodable {
                var apply: (inout FaultConfiguration) throws -> Void
                init(from decoder: any Decoder) throws { apply = { try $0.merge(from: decoder) } }
            }
            struct Seed: Decodable { var seed: UInt64? }
            do {
                let merge = try JSONDecoder().decode(Merge.self, from: Data(bytes))
                try merge.apply(&updated)
            } catch {
                throw APIError.badRequest("Fault settings must be a JSON object of p_500, p_503, p_429, "
                    + "p_commit_then_500, p_drop, p_latency, latency_spike_ms, latency_ms, faults_on_cognito, seed.")
            }
            if let problem = updated.validationError { throw APIError.badRequest(problem) }
            let seed = (try? JSONDecoder().decode(Seed.self, from: Data(bytes)))?.seed
            await core.faults.update(updated, seed: seed)
            core.log.event("faults updated")
            return Responses.encodable(updated)
        case (.adminToken, .get), (.adminToken, .post):
            let query = QueryString.parse(request.uri.query)
            let user = query["user"] ?? query["username"] ?? ""
            let lifetime = query["lifetime"].flatMap(Int.init)
            guard let token = await core.cognito.mintIDToken(username: user, lifetime: lifetime, now: Date()) else {
                throw APIError.notFound("No sandbox user named '\(user)'.")
            }
            return Responses.json(.object(["IdToken": .string(token)]), status: 200)
        default:
            throw APIError(status: 405, code: "BAD_REQUEST", message: "Method not allowed here.")
        }
    }

    /// The whole state as JSON: objects in wire shape, processed objects, errors, counters and settings.
    static func dump(_ store: SandboxStore, faults: FaultConfiguration, users: [String]) -> JSONValue {
        let state = store.state
        let requests = JSONValue.object(state.requests.mapValues { .object($0.mapValues { .number(Double($0)) }) })
        return .object([
            "asset_types": .array(state.assetTypes.map(store.render)),
            "document_types": .array(state.documentTypes.map(store.render)),
            "assets": .array(state.assets.map(store.render)),
            "text_tracks": .array(state.textTracks.map(store.render)),
            "documents": .array(state.documents.map { document in
                var object = store.render(document, origin: "")
                if case .object(var fields) = object {
                    fields["uploaded_bytes"] = document.uploadedBytes.map { .number(Double($0)) } ?? .null
                    fields["uploaded_sha256"] = document.uploadedSHA256.map(JSONValue.string) ?? .null
                    object = .object(fields)
                }
                return object
            }),
            "processed_objects": snakeJSON(state.processedObjects),
            "watchfolder_errors": snakeJSON(state.watchfolderErrors),
            "requests": requests,
            "write_requests": .number(Double(state.writeRequests)),
            "counts": .object([
                "assets": .number(Double(state.assets.count)), "text_tracks": .number(Double(state.textTracks.count)),
                "documents": .number(Double(state.documents.count)),
                "uploaded_documents": .number(Double(state.documents.filter { $0.url != nil }.count)),
                "processed_objects": .number(Double(state.processedObjects.count)),
                "watchfolder_errors": .number(Double(state.watchfolderErrors.count)),
            ]),
            "faults": snakeJSON(faults),
            "users": .array(users.map(JSONValue.string)),
        ])
    }

    /// An Encodable record as JSON with snake_case keys.
    static func snakeJSON(_ value: some Encodable) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value),
              let json = try? JSONDecoder().decode(JSONValue.self, from: data) else { return .null }
        return json
    }
}
