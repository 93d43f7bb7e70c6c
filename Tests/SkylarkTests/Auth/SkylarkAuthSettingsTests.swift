import HTTPEngine
import IngestCore
import Testing
@testable import Skylark

@Suite struct SkylarkAuthSettingsTests {
    private let cognitoEnvironment = [
        "SKYLARK_USERNAME": "editor", "SKYLARK_COGNITO_USER_POOL_ID": "eu-west-1_Pool",
        "SKYLARK_COGNITO_CLIENT_ID": "client", "SKYLARK_COGNITO_ENDPOINT": "http://127.0.0.1:5/cognito/",
    ]

    @Test func tokenWinsOverCognito() throws {
        var env = cognitoEnvironment
        env["SKYLARK_TOKEN"] = "abc"
        guard case .token(let token) = try SkylarkAuthSettings(environment: env) else {
            Issue.record("expected a token")
            return
        }
        #expect(token.revealed == "abc")
    }

    @Test func passwordFromTheEnvironmentOrAFileWithoutItsNewline() throws {
        var env = cognitoEnvironment
        env["SKYLARK_PASSWORD"] = "direct"
        guard case .cognito(let config, let user, let password) = try SkylarkAuthSettings(environment: env) else {
            Issue.record("expected cognito")
            return
        }
        #expect(user == "editor")
        #expect(password.revealed == "direct")
        #expect(config.endpoint == "http://127.0.0.1:5/cognito/")
        #expect(config.region == "eu-west-1")
        env["SKYLARK_PASSWORD"] = nil
        env["SKYLARK_PASSWORD_FILE"] = "/secret/pw"
        let settings = try SkylarkAuthSettings(environment: env) { path in
            #expect(path == "/secret/pw")
            return "from file \n"
        }
        guard case .cognito(_, _, let filePassword) = settings else {
            Issue.record("expected cognito")
            return
        }
        #expect(filePassword.revealed == "from file ")
    }

    @Test func missingVariablesAreNamedWithoutSecrets() throws {
        let error = #expect(throws: IngestError.self) {
            _ = try SkylarkAuthSettings(environment: ["SKYLARK_USERNAME": "editor"])
        }
        #expect(error?.code == .authNotConfigured)
        #expect(error?.message.contains("SKYLARK_PASSWORD") == true)
        #expect(error?.message.contains("SKYLARK_COGNITO_USER_POOL_ID") == true)
        #expect(error?.message.contains("SKYLARK_USERNAME") == false)
        let unreadable = #expect(throws: IngestError.self) {
            var env = cognitoEnvironment
            env["SKYLARK_PASSWORD_FILE"] = "/nope"
            _ = try SkylarkAuthSettings(environment: env) { _ in throw CocoaLikeError() }
        }
        #expect(unreadable?.code == .authNotConfigured)
    }

    @Test func secretsNeverPrint() throws {
        var env = cognitoEnvironment
        env["SKYLARK_PASSWORD"] = "hunter2-password"
        env["SKYLARK_COGNITO_CLIENT_SECRET"] = "client-secret-value"
        let settings = try SkylarkAuthSettings(environment: env)
        let printed = "\(settings) \(String(reflecting: settings))"
        #expect(!printed.contains("hunter2-password"))
        #expect(!printed.contains("client-secret-value"))
    }

    private struct CocoaLikeError: Error {}
}

@Suite struct SkylarkClientEnvironmentTests {
    @Test func apiURLMustBeSetAndHTTP() throws {
        #expect(try SkylarkClient.apiURL(environment: ["SKYLARK_API_URL": "https://s.example.com/api/"])
                    == "https://s.example.com/api/")
        for bad in [[:], ["SKYLARK_API_URL": ""], ["SKYLARK_API_URL": "s.example.com/api/"],
                    ["SKYLARK_API_URL": "http:///api/"]] {
            let error = #expect(throws: IngestError.self) { _ = try SkylarkClient.apiURL(environment: bad) }
            #expect(error?.code == .skylarkNotConfigured)
        }
    }

    @Test func clientFromEnvironmentUsesTheStaticToken() async throws {
        let http = FakeHTTPClient(responses: [.json(200, #"{"objects": [], "meta": {"total": 0}}"#)])
        let client = try SkylarkClient(environment: ["SKYLARK_API_URL": "http://127.0.0.1:1/api",
                                                     "SKYLARK_TOKEN": "env-token"], httpClient: http)
        #expect(try await client.assetTypes(named: "Movie").isEmpty)
        #expect(http.requests.first?.headers["Authorization"] == "Bearer env-token")
        #expect(http.requests.first?.url.hasPrefix("http://127.0.0.1:1/api/asset-types/") == true)
    }
}
