import Foundation
import HTTPEngine

extension HTTPResponse {
    /// The `Retry-After` the server sent (seconds or an HTTP date), when readable.
    var retryAfter: Duration? {
        headers["Retry-After"].flatMap { RetryClassification.parseRetryAfter($0) }
    }
}

extension RetryExecutor {
    /// The executor Skylark and Cognito calls use by default: 4 attempts, no run-wide budget.
    public static let skylarkDefault = RetryExecutor(policy: RetryPolicy(maxAttempts: 4))
}
