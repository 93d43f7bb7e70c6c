import IngestCore
import Foundation
import HTTPEngine
import IngestTestSupport
import Testing

/// Issue 14: transport errors showed the enum case (`couldNotConnect: …`, `[NET_TLS]: tls …`).
/// Their description and `ingestError.message` are words, never a case name.
@Suite struct TransportErrorMessageTests {
    static let caseNames = ["couldNotResolve", "couldNotConnect", "timedOut", "connectionReset", "tls:", "sendFailed",
                            "receiveFailed", "fileReadFailed", "other:"]

    @Test func refusedConnectionNamesHostPortAndReason() {
        let error = TransportError(kind: .couldNotConnect,
                                   message: "Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server",
                                   url: "http://127.0.0.1:9/api/document-types/", systemError: ECONNREFUSED)
        #expect(error.summary == "could not connect to 127.0.0.1:9 (connection refused)")
        #expect(error.ingestError.message == "could not connect to 127.0.0.1:9 (connection refused) — http://127.0.0.1:9/api/document-types/")
        #expect(error.description == error.ingestError.message)
    }

    @Test func timeoutSaysAfterHowLong() {
        let error = TransportError(kind: .timedOut, message: "Operation timed out after 30001 milliseconds with 0 bytes received",
                                   url: "https://s3.example.com/bucket/key")
        #expect(error.summary == "timed out after 30.0 s waiting for s3.example.com")
        #expect(error.ingestError.code == .netTimeout)
    }

    @Test func resetSaysTheServerResetTheConnection() {
        let error = TransportError(kind: .connectionReset, message: "Recv failure: Connection reset by peer",
                                   url: "http://user@h.example:8333/b/k", systemError: ECONNRESET)
        #expect(error.summary == "connection reset by the server (h.example:8333)")
    }

    @Test(arguments: [TransportError.Kind.couldNotResolve, .couldNotConnect, .timedOut, .connectionReset, .tls, .sendFailed,
                      .receiveFailed, .fileReadFailed, .cancelled, .other])
    func noKindShowsItsCaseName(_ kind: TransportError.Kind) {
        for message in ["", "curl said something"] {
            let error = TransportError(kind: kind, message: message, url: "https://127.0.0.1:8333/b/k")
            for text in [error.description, error.ingestError.message, error.ingestError.description] {
                for name in Self.caseNames { #expect(!text.contains(name), "\(text)") }
                #expect(!text.hasPrefix(kind.rawValue), "\(text)")
            }
        }
    }

    @Test func refusedConnectionThroughCurlCarriesTheSystemReason() async throws {
        let port = PortProbe.freePort()
        let error = await #expect(throws: TransportError.self) {
            _ = try await CurlHTTPClient().execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/x"))
        }
        #expect(error?.summary == "could not connect to 127.0.0.1:\(port) (connection refused)")
        #expect(error?.ingestError.message.contains("couldNotConnect") == false)
    }
}
