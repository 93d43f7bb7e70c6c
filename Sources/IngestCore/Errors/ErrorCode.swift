/// What an error means for a command's exit status when it ends the command (CONTRACT.md, "Exit codes").
/// The numbers themselves live in one place, the CLI's `ExitStatus`.
public enum ExitClass: String, Sendable, Hashable, CaseIterable {
    /// 1: the failure belongs to one item; the others went on (see the report).
    case itemFailure = "item_failure"
    /// 2: usage error or invalid manifest; nothing was sent.
    case usage
    /// 3: configuration, authentication, connectivity or checkpoint error: work could not proceed.
    case fatal
    /// 130: interrupted; the checkpoint is consistent, run again to resume.
    case interrupted
}

/// A stable error code: its wire string (reports, journal, JUnit `type`), whether the failure is
/// retryable by default, and the exit class it maps to. Every code the tool raises is a constant
/// below (`ErrorCode.all`); only two families are derived at run time, through one function each:
/// S3's own codes (`ErrorCode.s3(_:)`, `SlowDown` → `S3_SLOW_DOWN`) and manifest diagnostics (their
/// rule id, `DiagnosticRule`, read back with `init(rawValue:)`).
///
/// Not `ExpressibleByStringLiteral` on purpose: a new code is added here, with its doc, or not at all.
/// Equality and hashing are by `rawValue` alone.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The wire string, UPPER_SNAKE (`CHECKPOINT_IO`).
    public let rawValue: String
    /// Whether the same operation may succeed if tried again later (the default of `IngestError.retryable`).
    public let retryable: Bool
    /// The exit status class when an error with this code ends a command.
    public let exit: ExitClass

    private init(_ rawValue: String, retryable: Bool = false, exit: ExitClass) {
        self.rawValue = rawValue
        self.retryable = retryable
        self.exit = exit
    }

    /// The registered code `rawValue` names (e.g. read back from a journal), or a derived one:
    /// `USAGE_*` and `MANIFEST_*` (manifest diagnostics) are usage errors, everything else fatal; not retryable.
    public init(rawValue: String) {
        if let known = ErrorCode.registry[rawValue] {
            self = known
        } else {
            let usage = rawValue.hasPrefix("USAGE_") || rawValue.hasPrefix("MANIFEST_")
            self = ErrorCode(rawValue, exit: usage ? .usage : .fatal)
        }
    }

    /// Decodes the bare wire string (as `init(rawValue:)` reads it).
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the bare wire string: `"CHECKPOINT_IO"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func == (lhs: ErrorCode, rhs: ErrorCode) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// Whether this code is one of the constants below (not derived at run time).
    public var isRegistered: Bool { ErrorCode.registry[rawValue] != nil }

    /// Whether a write that failed with this code may still land afterwards: its answer was lost on the way
    /// (a reset, a timeout, Skylark behind a gateway's 502/503/504, a multipart upload gone under an unanswered
    /// Complete), rather than given by the server that owns the write. Such a write is read back only once it
    /// has settled (`RetryPolicy.settle`). The default of `IngestError.answerMayBeLost`: an error that knows
    /// better sets it there (an S3 answer from a gateway, 502/504, whose derived code says nothing of it; an
    /// `S3_OUTCOME_UNKNOWN` that S3 did answer, a 412 to `If-None-Match: *`).
    public var answerMayBeLost: Bool { ErrorCode.answerLost.contains(self) }

    private static let answerLost: Set<ErrorCode> = [
        .netTimeout, .netConnectionReset, .netError, .skylarkUnavailable, .s3OutcomeUnknown,
    ]

    // MARK: S3 (derived)

    /// The code of an S3 error answer: `S3_` + S3's code in upper snake case (`SlowDown` → `S3_SLOW_DOWN`,
    /// `Http503` → `S3_HTTP503`), with `SignatureDoesNotMatch` and `InvalidAccessKeyId` as registered
    /// constants. Retryability depends on the answer's status too: `S3Error` sets it.
    public static func s3(_ s3Code: String) -> ErrorCode {
        switch s3Code {
        case "SignatureDoesNotMatch": return .s3SignatureMismatch
        case "InvalidAccessKeyId": return .s3InvalidAccessKey
        default: return ErrorCode(rawValue: "S3_" + upperSnake(s3Code))
        }
    }

    /// `SlowDown` → `SLOW_DOWN`, `NoSuchUpload` → `NO_SUCH_UPLOAD`, `Http503` → `HTTP503`.
    public static func upperSnake(_ code: String) -> String {
        var out = ""
        var previousLower = false
        for char in code {
            if char.isUppercase && previousLower { out.append("_") }
            out.append(contentsOf: char.isLetter || char.isNumber ? char.uppercased() : "_")
            previousLower = char.isLowercase
        }
        return out
    }

    // MARK: Usage (exit 2)

    /// `--shard` is not `I/N` with 1 ≤ I ≤ N.
    public static let usageShard = ErrorCode("USAGE_SHARD", exit: .usage)
    /// `--shard auto` found no job engine task index (or one that makes no shard).
    public static let usageShardAuto = ErrorCode("USAGE_SHARD_AUTO", exit: .usage)
    /// The checkpoint belongs to another shard (or to the whole manifest).
    public static let usageShardMismatch = ErrorCode("USAGE_SHARD_MISMATCH", exit: .usage)
    /// `--stages` names a stage that does not exist.
    public static let usageUnknownStage = ErrorCode("USAGE_UNKNOWN_STAGE", exit: .usage)
    /// `status`/`report` given a checkpoint that does not exist.
    public static let checkpointNotFound = ErrorCode("CHECKPOINT_NOT_FOUND", exit: .usage)
    /// `status`/`report` over shards: the journals found were made with different shard counts.
    public static let checkpointShardCounts = ErrorCode("CHECKPOINT_SHARD_COUNTS", exit: .usage)
    /// `status`/`report` over shards: two journals with records claim the same shard.
    public static let checkpointShardDuplicate = ErrorCode("CHECKPOINT_SHARD_DUPLICATE", exit: .usage)
    /// `status`/`report` over shards: a journal of the whole manifest with records beside shard journals.
    public static let checkpointShardMixed = ErrorCode("CHECKPOINT_SHARD_MIXED", exit: .usage)

    // MARK: Interrupted (exit 130)

    /// The run or request was cancelled (SIGINT/SIGTERM); running again resumes.
    public static let cancelled = ErrorCode("CANCELLED", retryable: true, exit: .interrupted)

    // MARK: Configuration (exit 3)

    /// `--config FILE` cannot be read.
    public static let configUnreadable = ErrorCode("CONFIG_UNREADABLE", exit: .fatal)
    /// `--config FILE` is not a YAML mapping.
    public static let configSyntax = ErrorCode("CONFIG_SYNTAX", exit: .fatal)
    /// `--config FILE` has a setting the tool does not know.
    public static let configUnknownKey = ErrorCode("CONFIG_UNKNOWN_KEY", exit: .fatal)
    /// The process has no command line to read: the Swift runtime reads it from `/proc/self/cmdline`,
    /// which a bare chroot or container without `/proc` lacks.
    public static let commandLineUnreadable = ErrorCode("COMMAND_LINE_UNREADABLE", exit: .fatal)
    /// `--ca-bundle` / `AWS_CA_BUNDLE` cannot be read.
    public static let caBundleUnreadable = ErrorCode("CA_BUNDLE_UNREADABLE", exit: .fatal)
    /// `SKYLARK_API_URL` is missing or unusable, or a stage needs the API the run did not set up.
    public static let skylarkNotConfigured = ErrorCode("SKYLARK_NOT_CONFIGURED", exit: .fatal)
    /// `SKYLARK_API_URL` is plain http to a host that is not loopback.
    public static let skylarkInsecureURL = ErrorCode("SKYLARK_INSECURE_URL", exit: .fatal)
    /// `SKYLARK_WATCHFOLDER_BUCKET` is not set.
    public static let s3NotConfigured = ErrorCode("S3_NOT_CONFIGURED", exit: .fatal)
    /// The S3 endpoint (environment or profile) is not an http(s) URL.
    public static let s3EndpointInvalid = ErrorCode("S3_ENDPOINT_INVALID", exit: .fatal)
    /// The AWS credential chain found no credentials.
    public static let awsNoCredentials = ErrorCode("AWS_NO_CREDENTIALS", exit: .fatal)

    // MARK: Authentication (exit 3)

    /// No usable Skylark credentials are configured (token, or Cognito user and pool).
    public static let authNotConfigured = ErrorCode("AUTH_NOT_CONFIGURED", exit: .fatal)
    /// Cognito refused the user name or password.
    public static let authInvalidCredentials = ErrorCode("AUTH_INVALID_CREDENTIALS", exit: .fatal)
    /// Cognito asked for a challenge the tool cannot answer (MFA, new password).
    public static let authChallengeUnsupported = ErrorCode("AUTH_CHALLENGE_UNSUPPORTED", exit: .fatal)
    /// The Cognito user cannot log in (not confirmed, disabled, password reset required).
    public static let authUserState = ErrorCode("AUTH_USER_STATE", exit: .fatal)
    /// Cognito rejected the pool or client configuration.
    public static let authConfiguration = ErrorCode("AUTH_CONFIGURATION", exit: .fatal)
    /// Cognito is unavailable or throttling.
    public static let authUnavailable = ErrorCode("AUTH_UNAVAILABLE", retryable: true, exit: .fatal)
    /// Cognito login failed for another reason.
    public static let authFailed = ErrorCode("AUTH_FAILED", exit: .fatal)
    /// The SRP exchange with Cognito broke (bad parameters from the server).
    public static let authSRPProtocol = ErrorCode("AUTH_SRP_PROTOCOL", exit: .fatal)
    /// Skylark refused the credentials (401/403).
    public static let skylarkUnauthorized = ErrorCode("SKYLARK_UNAUTHORIZED", exit: .fatal)
    /// S3 refused the request signature (wrong secret key).
    public static let s3SignatureMismatch = ErrorCode("S3_SIGNATURE_MISMATCH", exit: .fatal)
    /// S3 does not know the access key id.
    public static let s3InvalidAccessKey = ErrorCode("S3_INVALID_ACCESS_KEY", exit: .fatal)

    // MARK: Network (exit 3 when they end a command; item failures otherwise)

    /// A request timed out.
    public static let netTimeout = ErrorCode("NET_TIMEOUT", retryable: true, exit: .fatal)
    /// The host could not be resolved or connected to.
    public static let netConnect = ErrorCode("NET_CONNECT", retryable: true, exit: .fatal)
    /// The connection broke while sending or receiving.
    public static let netConnectionReset = ErrorCode("NET_CONNECTION_RESET", retryable: true, exit: .fatal)
    /// TLS failed (certificate not trusted, handshake).
    public static let netTLS = ErrorCode("NET_TLS", exit: .fatal)
    /// Another network error.
    public static let netError = ErrorCode("NET_ERROR", retryable: true, exit: .fatal)
    /// Too many requests failed in a row this run: the service looks down.
    public static let retryBudgetExhausted = ErrorCode("RETRY_BUDGET_EXHAUSTED", retryable: true, exit: .fatal)

    // MARK: Checkpoint (exit 3)

    /// The checkpoint journal could not be read, written or synced.
    public static let checkpointIO = ErrorCode("CHECKPOINT_IO", exit: .fatal)
    /// The checkpoint was closed (or the process simulated a crash) while work went on.
    public static let checkpointClosed = ErrorCode("CHECKPOINT_CLOSED", exit: .fatal)
    /// Another run holds the checkpoint's lock.
    public static let checkpointLocked = ErrorCode("CHECKPOINT_LOCKED", exit: .fatal)
    /// A record in the middle of the journal is damaged.
    public static let checkpointCorrupt = ErrorCode("CHECKPOINT_CORRUPT", exit: .fatal)
    /// The journal's format version is not one this tool reads.
    public static let checkpointFormat = ErrorCode("CHECKPOINT_FORMAT", exit: .fatal)
    /// Another task took over this shard's checkpoint in S3 (or this task could not renew its lease in time).
    public static let checkpointFenced = ErrorCode("CHECKPOINT_FENCED", exit: .fatal)
    /// The checkpoint's object store does not honour conditional writes (`If-None-Match`, `If-Match`).
    public static let checkpointStoreUnsupported = ErrorCode("CHECKPOINT_STORE_UNSUPPORTED", exit: .fatal)
    /// `--checkpoint s3://…` is not a bucket and prefix.
    public static let usageCheckpointURL = ErrorCode("USAGE_CHECKPOINT_URL", exit: .usage)
    /// The journal and Skylark disagree about an item's objects.
    public static let checkpointInconsistent = ErrorCode("CHECKPOINT_INCONSISTENT", exit: .itemFailure)

    // MARK: Local files and reports

    /// A file could not be read (video, subtitle) or changed while it was read.
    public static let fileRead = ErrorCode("FILE_READ", exit: .fatal)
    /// A file to upload does not exist.
    public static let fileNotFound = ErrorCode("FILE_NOT_FOUND", exit: .fatal)
    /// An item's video is missing when its transfer starts.
    public static let fileMissing = ErrorCode("FILE_MISSING", exit: .itemFailure)
    /// `upload --state-dir` state could not be written.
    public static let stateWrite = ErrorCode("STATE_WRITE", exit: .fatal)
    /// The report directory could not be written.
    public static let reportWrite = ErrorCode("REPORT_WRITE", exit: .fatal)

    // MARK: Skylark (the answers of any call: exit 3 when they end a command; item failures in a run)

    /// The item's `uid` does not name an asset in Skylark.
    public static let skylarkAssetNotFound = ErrorCode("SKYLARK_ASSET_NOT_FOUND", exit: .itemFailure)
    /// The asset type (name or uid) does not exist in Skylark.
    public static let skylarkAssetTypeNotFound = ErrorCode("SKYLARK_ASSET_TYPE_NOT_FOUND", exit: .itemFailure)
    /// Skylark has no "Text track" document type.
    public static let skylarkDocumentTypeNotFound = ErrorCode("SKYLARK_DOCUMENT_TYPE_NOT_FOUND", exit: .itemFailure)
    /// Another asset already has the item's slug.
    public static let skylarkSlugTaken = ErrorCode("SKYLARK_SLUG_TAKEN", exit: .itemFailure)
    /// The asset already has a text track in the subtitle's language that this run did not make.
    public static let skylarkTextTrackExists = ErrorCode("SKYLARK_TEXT_TRACK_EXISTS", exit: .itemFailure)
    /// A subtitle file is larger than Skylark accepts.
    public static let skylarkFileTooLarge = ErrorCode("SKYLARK_FILE_TOO_LARGE", exit: .itemFailure)
    /// Skylark rejected fields of the request (`form_validation_errors`).
    public static let skylarkFormValidation = ErrorCode("SKYLARK_FORM_VALIDATION", exit: .fatal)
    /// Skylark answered 404 for an object the request named.
    public static let skylarkNotFound = ErrorCode("SKYLARK_NOT_FOUND", exit: .fatal)
    /// Skylark rejected the request (another 4xx).
    public static let skylarkBadRequest = ErrorCode("SKYLARK_BAD_REQUEST", exit: .fatal)
    /// Skylark rate-limited the request (429).
    public static let skylarkRateLimited = ErrorCode("SKYLARK_RATE_LIMITED", retryable: true, exit: .fatal)
    /// Skylark is unavailable (502/503/504).
    public static let skylarkUnavailable = ErrorCode("SKYLARK_UNAVAILABLE", retryable: true, exit: .fatal)
    /// Skylark failed on the request (500).
    public static let skylarkServerError = ErrorCode("SKYLARK_SERVER_ERROR", retryable: true, exit: .fatal)
    /// Skylark answered with a body that is not the JSON the call expects.
    public static let skylarkBadResponse = ErrorCode("SKYLARK_BAD_RESPONSE", exit: .fatal)
    /// Skylark's answer lacks a field the next step needs (`upload_document_url`).
    public static let skylarkUnexpectedResponse = ErrorCode("SKYLARK_UNEXPECTED_RESPONSE", exit: .itemFailure)

    // MARK: Items: S3 (exit 1)

    /// The watchfolder already holds a different object under the item's key.
    public static let s3KeyConflict = ErrorCode("S3_KEY_CONFLICT", exit: .itemFailure)
    /// S3's ETag of the completed object is not the one computed locally.
    public static let s3ETagMismatch = ErrorCode("S3_ETAG_MISMATCH", retryable: true, exit: .itemFailure)
    /// S3's ETag of a part is not the part's MD5.
    public static let s3PartETagMismatch = ErrorCode("S3_PART_ETAG_MISMATCH", retryable: true, exit: .itemFailure)
    /// A write may or may not have been stored; it is read back before it is sent again.
    public static let s3OutcomeUnknown = ErrorCode("S3_OUTCOME_UNKNOWN", retryable: true, exit: .itemFailure)

    // MARK: Items: pipeline (exit 1)

    /// An advanced-mode item without a `uid` has no title.
    public static let titleRequired = ErrorCode("TITLE_REQUIRED", exit: .itemFailure)
    /// The item changed in the manifest after the checkpoint recorded work for it.
    public static let manifestDrift = ErrorCode("MANIFEST_DRIFT", exit: .itemFailure)
    /// A stage run on its own lacks what an earlier stage should have recorded (e.g. the asset uid).
    public static let pipelineMissingInput = ErrorCode("PIPELINE_MISSING_INPUT", exit: .itemFailure)
    /// Skylark did not process the video (`processed/<key>`, OVPs) before the confirm deadline.
    public static let confirmTimeout = ErrorCode("CONFIRM_TIMEOUT", retryable: true, exit: .itemFailure)
    /// `--dry-run` refused a write (no network).
    public static let offline = ErrorCode("OFFLINE", exit: .fatal)

    // MARK: Unexpected (exit 3)

    /// An error of a kind the tool does not map (a bug: report it).
    public static let internalError = ErrorCode("INTERNAL", exit: .fatal)
    /// An error `upload` cannot describe (a bug: report it).
    public static let unexpected = ErrorCode("UNEXPECTED", exit: .fatal)
    /// A failure recorded without a code (an old or damaged journal record).
    public static let unknown = ErrorCode("UNKNOWN", exit: .fatal)

    /// Every registered code.
    public static let all: [ErrorCode] = [
        usageShard, usageShardAuto, usageShardMismatch, usageUnknownStage, checkpointNotFound,
        checkpointShardCounts, checkpointShardDuplicate, checkpointShardMixed,
        cancelled,
        commandLineUnreadable,
        configUnreadable, configSyntax, configUnknownKey, caBundleUnreadable, skylarkNotConfigured,
        skylarkInsecureURL, s3NotConfigured, s3EndpointInvalid, awsNoCredentials,
        authNotConfigured, authInvalidCredentials, authChallengeUnsupported, authUserState, authConfiguration,
        authUnavailable, authFailed, authSRPProtocol, skylarkUnauthorized, s3SignatureMismatch, s3InvalidAccessKey,
        netTimeout, netConnect, netConnectionReset, netTLS, netError, retryBudgetExhausted,
        checkpointIO, checkpointClosed, checkpointLocked, checkpointCorrupt, checkpointFormat, checkpointInconsistent,
        checkpointFenced, checkpointStoreUnsupported, usageCheckpointURL,
        fileRead, fileNotFound, fileMissing, stateWrite, reportWrite,
        skylarkAssetNotFound, skylarkAssetTypeNotFound, skylarkDocumentTypeNotFound, skylarkSlugTaken,
        skylarkTextTrackExists, skylarkFileTooLarge, skylarkFormValidation, skylarkNotFound, skylarkBadRequest,
        skylarkRateLimited, skylarkUnavailable, skylarkServerError, skylarkBadResponse, skylarkUnexpectedResponse,
        s3KeyConflict, s3ETagMismatch, s3PartETagMismatch, s3OutcomeUnknown,
        titleRequired, manifestDrift, pipelineMissingInput, confirmTimeout, offline,
        internalError, unexpected, unknown,
    ]

    /// `all` by raw value (the first of a duplicate wins; a test keeps raw values unique).
    private static let registry: [String: ErrorCode] = Dictionary(all.map { ($0.rawValue, $0) }) { first, _ in first }
}
