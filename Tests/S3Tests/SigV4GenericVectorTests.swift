import Foundation
import IngestTestSupport
import HTTPEngine
import IngestCore
import Testing
@testable import S3

/// One case of AWS's SigV4 header-signing suite (`Vectors/sigv4`).
struct GenericSigV4Case: CustomStringConvertible {
    struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }
        var credentials: Credentials
        var region: String
        var service: String
        var timestamp: String
        var normalize: Bool
        var sign_body: Bool
        var omit_session_token: Bool?
    }

    var name: String
    var context: Context
    var method: String
    var path: String
    var query: String
    var headers: [(String, String)]
    var body: [UInt8]
    var canonicalRequest: String
    var stringToSign: String
    var signature: String
    var signedRequest: String

    var description: String { name }

    init(directory: URL) throws {
        name = directory.lastPathComponent
        func read(_ file: String) throws -> String {
            try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        }
        context = try JSONDecoder().decode(Context.self, from: Data(contentsOf: directory.appendingPathComponent("context.json")))
        canonicalRequest = try read("header-canonical-request.txt")
        stringToSign = try read("header-string-to-sign.txt")
        signature = try read("header-signature.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        signedRequest = try read("header-signed-request.txt")

        // request.txt: request line, `Name:value` lines (indented lines continue a value), blank line, body.
        let raw = try read("request.txt")
        let headEnd = raw.range(of: "\n\n")
        let head = headEnd.map { String(raw[..<$0.lowerBound]) } ?? raw
        body = headEnd.map { Array(raw[$0.upperBound...].utf8) } ?? []
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let firstSpace = requestLine.firstIndex(of: " ")!
        let lastSpace = requestLine.lastIndex(of: " ")!
        method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            query = String(target[target.index(after: q)...])
        } else {
            path = target
            query = ""
        }
        var parsed: [(String, String)] = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t", !parsed.isEmpty {
                parsed[parsed.count - 1].1 += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                parsed.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        headers = parsed
    }

    /// Signs the case with `SigV4Signer` configured as the context says.
    func sign() -> SigV4Signature {
        let signer = SigV4Signer(region: context.region, service: context.service, sendsContentSHA256: context.sign_body,
                                 signsSessionToken: !(context.omit_session_token ?? false))
        let credentials = AWSCredentials(accessKeyId: context.credentials.access_key_id,
                                         secretAccessKey: Secret(context.credentials.secret_access_key),
                                         sessionToken: context.credentials.token.map(Secret.init))
        let uriPath = context.normalize ? SigV4Signer.normalizedPath(path) : path
        let host = headers.first { $0.0.lowercased() == "host" }!.1
        let others = HTTPHeaders(headers.filter { $0.0.lowercased() != "host" })
        let date = ISO8601DateFormatter().date(from: context.timestamp)!
        return signer.sign(method: method, canonicalURI: S3PercentEncoding.encodeKey(uriPath), query: query, host: host,
                           headers: others, payload: .bytes(body), credentials: credentials, date: date)
    }
}

@Suite struct SigV4GenericVectorTests {
    static let cases: [GenericSigV4Case] = Vectors.entries("sigv4").compactMap { try? GenericSigV4Case(directory: $0) }

    @Test func everyCaseOfTheSuiteIsLoaded() {
        #expect(Self.cases.count == 38)
    }

    @Test(arguments: cases)
    func signerReproducesCanonicalRequestStringToSignAndSignature(_ vector: GenericSigV4Case) {
        let result = vector.sign()
        #expect(result.canonicalRequest == vector.canonicalRequest)
        #expect(result.stringToSign == vector.stringToSign)
        #expect(result.signature == vector.signature)
        #expect(vector.signedRequest.contains("Authorization:\(result.authorization)"))
    }
}
