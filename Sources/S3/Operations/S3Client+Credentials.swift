import Foundation
import HTTPEngine
import Synchronization

extension S3Client {
    /// Sends `call`; when S3 refuses the credentials as expired (`ExpiredToken` and kin), tells the provider
    /// to drop them and sends the call once more with fresh ones.
    func send(_ call: Call) async throws -> HTTPResponse {
        let used = CredentialsInUse()
        do {
            return try await sendSigned(call, used: used)
        } catch let error as S3Error where S3Client.isExpiredCredentials(error) {
            guard let stale = used.last else { throw error }
            await credentialProvider.invalidate(stale)
            return try await sendSigned(call, used: CredentialsInUse())
        }
    }

    /// Whether `error` says the request's credentials expired or their token is no longer valid.
    static func isExpiredCredentials(_ error: S3Error) -> Bool {
        ["ExpiredToken", "ExpiredTokenException", "InvalidToken", "TokenRefreshRequired"]
            .contains(error.code)
    }
}

/// The credentials the last attempt of a call signed with.
final class CredentialsInUse: Sendable {
    private let value = Mutex<AWSCredentials?>(nil)

    func record(_ credentials: AWSCredentials) { value.withLock { $0 = credentials } }

    var last: AWSCredentials? { value.withLock { $0 } }
}
