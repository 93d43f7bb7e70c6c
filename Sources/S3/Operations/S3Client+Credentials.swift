import Foundation
import HTTPEngine

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

/// The credentials the last attempt of a call signed with. `@unchecked Sendable`: guarded by `lock`.
final class CredentialsInUse: @unchecked Sendable {
    private let lock = NSLock()
    private var value: AWSCredentials?

    func record(_ credentials: AWSCredentials) {
        lock.lock()
        value = credentials
        lock.unlock()
    }

    var last: AWSCredentials? {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
