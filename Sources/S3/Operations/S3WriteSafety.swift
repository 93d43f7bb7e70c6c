import HTTPEngine

/// Whether an S3 call may be sent again when an attempt fails, the retry rule's S3 half.
///
/// Reads and writes nobody watches (parts, a new multipart upload id, aborts, deletes) are repeated as
/// the AWS SDKs do. A write that makes an object appear (PutObject, CompleteMultipartUpload, CopyObject)
/// may be seen by a watchfolder within milliseconds of being stored: it is sent again only when the
/// answer proves it was not processed. Anything else (a reset or timeout after the body went out, a
/// 500, a bare 503 from a load balancer) leaves its outcome unknown and goes back to the caller, who
/// reads before it writes again.
public enum S3Repeatability: Sendable, Hashable {
    /// Sending it twice has the effect of sending it once.
    case safe
    /// A second copy could be ingested twice: repeat only what provably never happened.
    case onlyIfNotProcessed
}

extension S3Repeatability {
    /// The decision for one failed or answered attempt of a call that is `self`.
    /// `error` is the S3 error an answer carries (nil for a success).
    func classify(_ result: Result<(response: HTTPResponse, error: S3Error?), any Error>) -> RetryClassification {
        switch result {
        case .success(let outcome):
            guard let error = outcome.error, error.isRetryable else { return .notRetryable }
            let retryAfter = outcome.response.s3Header("Retry-After").flatMap { RetryClassification.parseRetryAfter($0) }
            if self == .safe || S3Repeatability.provesNotProcessed(error) { return .retryable(retryAfter: retryAfter) }
            return .notRetryable
        case .failure(let error):
            if self == .safe { return RetryClassification.default(for: error) }
            // Only a connection that was never made proves the request never reached S3.
            if let transport = error as? TransportError, transport.kind == .couldNotConnect {
                return .retryable(retryAfter: nil)
            }
            return .notRetryable
        }
    }

    /// Whether S3's answer says it did not act on the request: an `<Error>` document with `SlowDown`
    /// (S3 sheds load before it reads the request) or `RequestTimeout` (the body did not arrive), or an
    /// error document inside a 200 (CompleteMultipartUpload / CopyObject failed after S3 started answering).
    static func provesNotProcessed(_ error: S3Error) -> Bool {
        guard error.documented else { return false }
        if error.status == 200 { return true }
        return error.code == "SlowDown" || error.code == "RequestTimeout"
    }
}
