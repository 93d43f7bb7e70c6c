// Beside `IngestError` and `IngestErrorConvertible`, so every layer converts errors the same way.
extension IngestError {
    /// Any error as an `IngestError` attributed to `item` and `stage`.
    public static func from(_ error: any Error, item: String? = nil, stage: Stage? = nil) -> IngestError {
        if let convertible = error as? any IngestErrorConvertible {
            return convertible.ingestError.attributed(item: item, stage: stage)
        }
        if error is CancellationError {
            return IngestError(code: .cancelled, item: item, stage: stage, message: "the run was cancelled",
                               retryable: true)
        }
        return IngestError(code: .internalError, item: item, stage: stage, message: "\(error)")
    }
}
