import Foundation
import HTTPEngine
import IngestCore
import Testing
@testable import Skylark

@Suite struct CognitoClientTests {
    private func client(_ cognito: FakeCognito, http: (any HTTPClient)? = nil) -> CognitoClient {
        CognitoClient(configuration: cognito.configuration, httpClient: http ?? cognito.http,
                      retry: SleepRecorder().policy())
    }

    @Test func rightPasswordLogsInWithSRP() async throws {
        let cognito = FakeCognito(password: "Correct-Horse-9")
        let tokens = try await client(cognito).login(username: cognito.loginName, password: Secret("Correct-Horse-9"))
        #expect(tokens.idToken.revealed == "id-token-1")
        #expect(tokens.refreshToken?.revealed == "refresh-token-1")
        #expect(tokens.username == cognito.internalName)
        #expect(tokens.lifetime == 3600)
        #expect(cognito.actions == ["InitiateAuth/USER_SRP_AUTH", "RespondToAuthChallenge/PASSWORD_VERIFIER"])
        #expect(cognito.problems.isEmpty)
        let first = try #require(cognito.http.requests.first)
        #expect(first.method == "POST")
        #expect(first.url == "http://127.0.0.1:1/cognito/")
        #expect(first.headers["X-Amz-Target"] == "AWSCognitoIdentityProviderService.InitiateAuth")
        for request in cognito.http.requests {
            #expect(!String(decoding: request.bodyBytes, as: UTF8.self).contains("Correct-Horse-9"))
        }
    }

    @Test func wrongPasswordIsInvalidCredentials() async throws {
        let cognito = FakeCognito(password: "Correct-Horse-9")
        let error = await #expect(throws: CognitoError.self) {
            _ = try await client(cognito).login(username: cognito.loginName, password: Secret("wrong"))
        }
        #expect(error?.ingestError.code == .authInvalidCredentials)
        #expect(error?.ingestError.message.contains("Incorrect username or password.") == true)
        #expect(error?.ingestError.message.contains("wrong") == false)
        let unknown = await #expect(throws: CognitoError.self) {
            _ = try await client(cognito).login(username: "nobody", password: Secret("x"))
        }
        #expect(unknown?.ingestError.code == .authInvalidCredentials)
    }

    @Test(arguments: ["NEW_PASSWORD_REQUIRED", "SMS_MFA", "SOFTWARE_TOKEN_MFA", "CUSTOM_CHALLENGE"])
    func challengesAfterThePasswordAreUnsupported(_ challenge: String) async throws {
        let cognito = FakeCognito(password: "pw", nextChallenge: challenge)
        let error = await #expect(throws: CognitoError.self) {
            _ = try await client(cognito).login(username: cognito.loginName, password: Secret("pw"))
        }
        let ingest = try #require(error?.ingestError)
        #expect(ingest.code == .authChallengeUnsupported)
        #expect(ingest.message.contains(challenge))
        #expect(ingest.hint?.isEmpty == false)
    }

    @Test func aliasLoginWithClientSecretSendsBothSecretHashes() async throws {
        let cognito = FakeCognito(loginName: "a.b+c@example.org", internalName: "uuid-internal", password: "pw",
                                  clientSecret: Secret("s3cr3t+/="))
        let c = client(cognito)
        let tokens = try await c.login(username: "a.b+c@example.org", password: Secret("pw"))
        // FakeCognito refuses a wrong SECRET_HASH on either call, so getting tokens proves both.
        #expect(tokens.username == "uuid-internal")
        let refreshed = try await c.refresh(refreshToken: try #require(tokens.refreshToken), username: tokens.username)
        #expect(refreshed.idToken.revealed == "id-token-2")
        #expect(cognito.problems.isEmpty)
    }

    @Test func refreshKeepsTheRefreshTokenAndRejectedRefreshIsNotAuthorized() async throws {
        let cognito = FakeCognito(password: "pw", expiresIn: 2)
        let c = client(cognito)
        let tokens = try await c.login(username: cognito.loginName, password: Secret("pw"))
        let refreshed = try await c.refresh(refreshToken: try #require(tokens.refreshToken), username: tokens.username)
        #expect(refreshed.refreshToken == tokens.refreshToken)
        #expect(refreshed.lifetime == 2)
        #expect(cognito.actions.last == "InitiateAuth/REFRESH_TOKEN_AUTH")
        let error = await #expect(throws: CognitoError.self) {
            _ = try await c.refresh(refreshToken: Secret("bogus"), username: tokens.username)
        }
        #expect(error?.isNotAuthorized == true)
    }

    @Test func providerLogsInOnceAndRefreshesThroughTheRealClient() async throws {
        let cognito = FakeCognito(password: "pw", expiresIn: 2)
        let clock = TestClock()
        let provider = CognitoTokenProvider(authenticator: client(cognito), username: cognito.loginName,
                                            password: Secret("pw"), now: clock.closure)
        #expect(try await provider.idToken().revealed == "id-token-1")
        clock.advance(3)
        #expect(try await provider.idToken().revealed == "id-token-2")
        #expect(cognito.actions == ["InitiateAuth/USER_SRP_AUTH", "RespondToAuthChallenge/PASSWORD_VERIFIER",
                                    "InitiateAuth/REFRESH_TOKEN_AUTH"])
    }

    @Test func throttlingAndServerErrorsAreRetriedThenMapped() async throws {
        let throttled = FakeHTTPClient(responses: [
            .json(400, #"{"__type": "com.amazonaws.cognito#TooManyRequestsException", "message": "Rate exceeded"}"#),
        ])
        let cognito = FakeCognito(password: "pw")
        let error = await #expect(throws: CognitoError.self) {
            _ = try await client(cognito, http: throttled).login(username: "u", password: Secret("pw"))
        }
        #expect(error?.type == "TooManyRequestsException")
        #expect(error?.ingestError.code == .authUnavailable)
        #expect(error?.ingestError.retryable == true)
        #expect(throttled.requests.count == 4)
        let config = FakeHTTPClient(responses: [
            .json(400, #"{"__type": "ResourceNotFoundException", "message": "User pool client x does not exist."}"#),
        ])
        let configError = await #expect(throws: CognitoError.self) {
            _ = try await client(cognito, http: config).login(username: "u", password: Secret("pw"))
        }
        #expect(configError?.ingestError.code == .authConfiguration)
        #expect(config.requests.count == 1)
    }

    @Test func defaultEndpointFollowsTheRegion() {
        let c = CognitoConfiguration(poolID: "eu-west-1_AbCdEf123", clientID: "c")
        #expect(c.region == "eu-west-1")
        #expect(c.endpoint == "https://cognito-idp.eu-west-1.amazonaws.com/")
        let other = CognitoConfiguration(poolID: "eu-west-1_AbCdEf123", clientID: "c", region: "us-east-2")
        #expect(other.endpoint == "https://cognito-idp.us-east-2.amazonaws.com/")
    }
}
