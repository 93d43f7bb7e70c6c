import IngestCore
import S3
import Testing

/// Issue 14: `AWS_ENDPOINT_URL_S3=127.0.0.1:8333` (no scheme) was spoken to over TLS and failed as
/// `[NET_TLS]: tls`. It is refused as a configuration error that says what to write.
@Suite struct S3EndpointValidationTests {
    @Test(arguments: ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"])
    func endpointWithoutSchemeIsRefusedWithTheFixAsHint(_ variable: String) {
        #expect(throws: IngestError(code: .s3EndpointInvalid,
                                    message: "\(variable) is `127.0.0.1:8333`, which is not an http:// or https:// URL",
                                    hint: "include the scheme, e.g. http://127.0.0.1:8333")) {
            _ = try S3Configuration.validatedFromEnvironment([variable: "127.0.0.1:8333"])
        }
    }

    @Test(arguments: ["ftp://127.0.0.1:8333", "http://", "https://:8333", "http://h/?x=1", "localhost"])
    func endpointThatIsNotAnHTTPURLIsRefused(_ endpoint: String) {
        let problem = S3Configuration.endpointProblem(endpoint, setting: "AWS_ENDPOINT_URL_S3")
        #expect(problem?.code == .s3EndpointInvalid)
    }

    @Test func userInfoInARefusedEndpointIsNotShown() {
        let problem = S3Configuration.endpointProblem("AKIDEXAMPLE:s3cr3t@127.0.0.1:8333", setting: "AWS_ENDPOINT_URL_S3")
        #expect(problem?.code == .s3EndpointInvalid)
        #expect(problem.map { !$0.description.contains("s3cr3t") } == true)
    }

    @Test(arguments: ["http://127.0.0.1:8333", "https://s3.eu-west-1.amazonaws.com", "HTTP://localhost:9000/",
                      "http://minio.local:9000/base/path"])
    func httpAndHTTPSEndpointsAreAccepted(_ endpoint: String) throws {
        #expect(S3Configuration.endpointProblem(endpoint, setting: "AWS_ENDPOINT_URL_S3") == nil)
        let configuration = try S3Configuration.validatedFromEnvironment(["AWS_ENDPOINT_URL_S3": endpoint])
        #expect(configuration.endpoint != nil)
    }

    @Test func theEndpointUsedIsTheOneChecked() throws {
        // AWS_ENDPOINT_URL_S3 wins over AWS_ENDPOINT_URL: a bad general one that is not used is no error.
        let configuration = try S3Configuration.validatedFromEnvironment(["AWS_ENDPOINT_URL_S3": "http://127.0.0.1:8333",
                                                                           "AWS_ENDPOINT_URL": "127.0.0.1:4566"])
        #expect(configuration.endpoint == "http://127.0.0.1:8333")
        #expect(try S3Configuration.validatedFromEnvironment([:]).endpoint == nil)
    }
}
