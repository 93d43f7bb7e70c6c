import CryptoPrimitives
import Foundation
import IngestTestSupport
import HTTPEngine
import IngestCore
import Testing
@testable import S3

/// One botocore-signed S3 request (`Vectors/s3-sigv4`).
struct S3SigV4Case: Decodable, CustomStringConvertible {
    struct Credentials: Decodable {
        var access_key: String
        var secret_key: String
        var session_token: String?
    }
    struct Expected: Decodable {
        var host: String
        var canonical_uri: String
        var canonical_query: String
        var canonical_request: String
        var string_to_sign: String
        var signing_key_hex: String
        var signed_headers: String
        var signature: String
        var authorization: String
        var added_headers: [String: String]
    }

    var name: String
    var method: String
    var addressing_style: String
    var endpoint: String?
    var bucket: String
    var key: String?
    var query: [[String?]]
    var url: String
    var headers_in: [String: String]
    var body_base64: String
    var payload_signing: String
    var credentials: Credentials
    var region: String
    var service: String
    var timestamp: String
    var expected: Expected

    var description: String { name }

    var configuration: S3Configuration {
        addressing_style == "path" ? S3Configuration(region: region, endpoint: endpoint, pathStyle: true)
            : S3Configuration(region: region, endpoint: nil, pathStyle: false)
    }

    var location: S3Location {
        configuration.location(bucket: bucket, key: key, query: query.map { ($0[0]!, $0.count > 1 ? $0[1] : nil) })
    }

    var awsCredentials: AWSCredentials {
        AWSCredentials(accessKeyId: credentials.access_key, secretAccessKey: Secret(credentials.secret_key),
                       sessionToken: credentials.session_token.map(Secret.init))
    }

    func sign() -> SigV4Signature {
        let location = self.location
        let body = Array(Data(base64Encoded: body_base64)!)
        let payload: SigV4Payload = payload_signing == "unsigned" ? .unsigned : .bytes(body)
        return SigV4Signer(region: region, service: service).sign(
            method: method, canonicalURI: location.path, query: location.queryString, host: location.signedHost,
            headers: HTTPHeaders(headers_in.map { ($0.key, $0.value) }), payload: payload,
            credentials: awsCredentials, date: AmzDate.parseDate(timestamp)!)
    }
}

extension AmzDate {
    static func parseDate(_ timestamp: String) -> Date? {
        AmzDate(timestamp: timestamp)?.date
    }
}

@Suite struct S3SigV4VectorTests {
    static let cases: [S3SigV4Case] = Vectors.entries("s3-sigv4", ext: "json").compactMap { url in
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(S3SigV4Case.self, from: data)
    }

    @Test func everyCaseIsLoaded() {
        #expect(Self.cases.count == 25)
    }

    @Test(arguments: cases)
    func addressingBuildsTheURLBotocoreSent(_ vector: S3SigV4Case) {
        let location = vector.location
        #expect(location.url == vector.url)
        #expect(location.signedHost == vector.expected.host)
        #expect(location.path == vector.expected.canonical_uri)
    }

    @Test(arguments: cases)
    func signerMatchesBotocore(_ vector: S3SigV4Case) {
        let result = vector.sign()
        #expect(SigV4Signer.canonicalQuery(vector.location.queryString) == vector.expected.canonical_query)
        #expect(result.canonicalRequest == vector.expected.canonical_request)
        #expect(result.stringToSign == vector.expected.string_to_sign)
        #expect(result.signedHeaders == vector.expected.signed_headers)
        #expect(result.signature == vector.expected.signature)
        #expect(result.authorization == vector.expected.authorization)
        let added = Dictionary(uniqueKeysWithValues: result.addedHeaders)
        #expect(added == vector.expected.added_headers)
        let day = String(vector.timestamp.prefix(8))
        #expect(Hex.encode(SigV4Signer.signingKey(secret: Secret(vector.credentials.secret_key), day: day,
                                                   region: vector.region, service: "s3")) == vector.expected.signing_key_hex)
    }

    @Test func amzDateRoundTripsThroughEpochArithmetic() {
        let date = AmzDate.parseDate("20261124T200000Z")!
        #expect(AmzDate(date).timestamp == "20261124T200000Z")
        #expect(AmzDate(Date(timeIntervalSince1970: 0)).timestamp == "19700101T000000Z")
        #expect(AmzDate(timestamp: "20240229T235959Z").map { AmzDate($0.date).timestamp } == "20240229T235959Z")
    }

    @Test func keysAreEncodedAsS3Expects() {
        #expect(S3PercentEncoding.encodeKey("a b+c=d~e/f%g") == "a%20b%2Bc%3Dd~e/f%25g")
        #expect(S3PercentEncoding.encodeKey("é") == "%C3%A9")
        #expect(S3PercentEncoding.encode("a/b") == "a%2Fb")
        #expect(S3PercentEncoding.decode("a%2Fb%20c+%zz") == "a/b c+%zz")
    }
}
