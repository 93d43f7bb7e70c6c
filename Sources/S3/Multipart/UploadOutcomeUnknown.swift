import Foundation
import IngestCore

/// An upload whose result cannot be known from its own answer: the object may or may not be there (a
/// lost Complete answer) or the key already holds an object (`If-None-Match` refused). Retryable, so the
/// caller reads the key (and where a watchfolder moves it) before it uploads again.
public struct UploadOutcomeUnknown: Error, Sendable, CustomStringConvertible, IngestErrorConvertible {
    public var bucket: String
    public var key: String
    public var reason: String
    /// Whether the write may still land (an answer lost, as a vanished upload under a Complete may hide); false
    /// when S3 answered (a 412: the key already holds a stored object, so it can be read back at once).
    public var answerMayBeLost: Bool

    public init(request: UploadRequest, reason: String, answerMayBeLost: Bool = true) {
        bucket = request.bucket
        key = request.key
        self.reason = reason
        self.answerMayBeLost = answerMayBeLost
    }

    /// The error for a write that `If-None-Match: *` refused because `key` holds an object; nil for others.
    /// S3 answered: the object is stored already, nothing of ours is on its way.
    static func refusedBecauseTaken(_ error: any Error, _ request: UploadRequest) -> UploadOutcomeUnknown? {
        guard let s3 = error as? S3Error, s3.status == 412 || s3.code == "PreconditionFailed" else { return nil }
        return UploadOutcomeUnknown(request: request, reason: "the key already holds an object (If-None-Match refused the upload)",
                                    answerMayBeLost: false)
    }

    public var description: String { ingestError.description }

    public var ingestError: IngestError {
        IngestError(code: .s3OutcomeUnknown, message: "s3://\(bucket)/\(key): \(reason)",
                    hint: "the object is looked up before anything is uploaded again", retryable: true,
                    answerMayBeLost: answerMayBeLost)
    }
}
