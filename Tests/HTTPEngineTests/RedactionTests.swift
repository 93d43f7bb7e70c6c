import HTTPEngine
import Testing

@Suite struct RedactionTests {
    @Test func presignedQueryValuesAreMasked() {
        let url = "https://b.s3.amazonaws.com/k%20ey?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F2025"
            + "&X-Amz-Signature=deadbeef&X-Amz-Security-Token=FQoGZX&uploadId=u1&partNumber=2"
        let redacted = Redaction.url(url)
        #expect(redacted == "https://b.s3.amazonaws.com/k%20ey?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***"
            + "&X-Amz-Signature=***&X-Amz-Security-Token=***&uploadId=u1&partNumber=2")
    }

    @Test func parameterNamesMatchCaseInsensitivelyAndPercentEncoded() {
        #expect(Redaction.url("http://h/p?TOKEN=a&Password=b&x%2Damz%2Dsignature=c&ok=d") == "http://h/p?TOKEN=***&Password=***&x%2Damz%2Dsignature=***&ok=d")
    }

    @Test func userInfoAndFragmentsAreRemoved() {
        #expect(Redaction.url("http://user:pw@host:9000/a?b=1#frag") == "http://host:9000/a?b=1#***")
        #expect(Redaction.urlWithoutQuery("http://user:pw@host/a?X-Amz-Signature=s") == "http://host/a")
    }

    @Test func urlsWithoutSecretsAreUnchanged() {
        for url in ["http://127.0.0.1:9000/bucket/key", "http://h/p?list-type=2&prefix=a%2Fb", "http://h/p?flag"] {
            #expect(Redaction.url(url) == url)
        }
    }

    @Test func secretHeadersAreMasked() {
        let headers: HTTPHeaders = ["Authorization": "AWS4-HMAC-SHA256 Signature=sig123", "x-amz-security-token": "FQoGZXtoken",
                                    "Cookie": "session=s1", "Set-Cookie": "session=s2", "Content-Type": "application/json",
                                    "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"]
        let masked = Redaction.headers(headers)
        #expect(masked["authorization"] == "***")
        #expect(masked["X-Amz-Security-Token"] == "***")
        #expect(masked["cookie"] == "***")
        #expect(masked["set-cookie"] == "***")
        #expect(masked["content-type"] == "application/json")
        #expect(masked["x-amz-target"] == "AWSCognitoIdentityProviderService.InitiateAuth")
        let summary = Redaction.headerSummary(headers)
        for secret in ["sig123", "FQoGZXtoken", "session=s1", "session=s2"] {
            #expect(!summary.contains(secret))
        }
    }
}
