import Foundation
import IngestCore

/// The sandbox's live parts shared by every request handler (all immutable references to actors).
final class SandboxCore: Sendable {
    let configuration: SandboxConfiguration
    let keeper: StoreKeeper
    let cognito: CognitoService
    let faults: FaultInjector
    let signer: TokenSigner
    let stateDirectory: StateDirectory?
    let log: RequestLog
    /// The AWS credential endpoints' issuer (instance metadata, container, STS).
    let credentials: CredentialIssuer

    init(configuration: SandboxConfiguration, keeper: StoreKeeper, cognito: CognitoService, faults: FaultInjector,
         signer: TokenSigner, stateDirectory: StateDirectory?) {
        self.configuration = configuration
        self.keeper = keeper
        self.cognito = cognito
        self.faults = faults
        self.signer = signer
        self.stateDirectory = stateDirectory
        self.log = RequestLog(enabled: configuration.logRequests)
        self.credentials = CredentialIssuer(configuration: configuration.credentials)
    }
}

/// One line per request on stderr: method, path (no query, no headers, so no tokens), status, duration.
struct RequestLog: Sendable {
    let enabled: Bool

    func request(method: String, path: String, status: String, milliseconds: Double, note: String? = nil) {
        guard enabled else { return }
        let line = "\(UTCTimestamp.string(Date())) \(method) \(path) \(status) \((milliseconds * 10).rounded() / 10)ms"
            + (note.map { " \($0)" } ?? "") + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func event(_ message: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\(UTCTimestamp.string(Date())) \(message)\n".utf8))
    }
}
