import Foundation
import IngestTestSupport
import Testing
@testable import IngestCore

/// `ErrorCode` is the one registry of error codes: unique UPPER_SNAKE wire strings, and no code
/// spelled as a string literal anywhere else in `Sources/`.
@Suite(.offThePool) struct ErrorCodeRegistryTests {
    /// The package's `Sources/` folder, found from this file.
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources").standardized

    /// Every `.swift` file under `Sources/` with its path relative to it.
    static func sourceFiles() throws -> [(path: String, text: String)] {
        let root = sources.path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [(String, String)] = []
        while let path = walker.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            files.append((path, try String(contentsOfFile: root + "/" + path, encoding: .utf8)))
        }
        return files
    }

    static let registryFile = "IngestCore/Errors/ErrorCode.swift"

    @Test func everyRegisteredCodeIsUniqueAndUpperSnake() {
        let raws = ErrorCode.all.map(\.rawValue)
        #expect(raws.count == Set(raws).count, "duplicates: \(Dictionary(grouping: raws) { $0 }.filter { $1.count > 1 }.keys)")
        for raw in raws {
            #expect(raw.wholeMatch(of: /[A-Z][A-Z0-9]*(_[A-Z0-9]+)*/) != nil, "\(raw) is not UPPER_SNAKE")
        }
        #expect(raws.count >= 55)
    }

    @Test func everyConstantOfTheRegistryIsListedInAll() throws {
        let text = try String(contentsOfFile: Self.sources.path + "/" + Self.registryFile, encoding: .utf8)
        let declared = text.matches(of: /static let \w+ = ErrorCode\("([A-Z0-9_]+)"/).map { String($0.output.1) }
        #expect(!declared.isEmpty)
        #expect(Set(declared) == Set(ErrorCode.all.map(\.rawValue)))
        #expect(declared.count == ErrorCode.all.count)
    }

    /// A grep of `Sources/`: no `code: "…"` literal and no registered code's wire string outside the
    /// registry. Not scanned: the sandbox (it speaks the emulated Skylark's own codes, `NOT_FOUND`, …)
    /// and `S3Error(code: "…")` (S3's own codes, `NoSuchBucket`, turned into ours by `ErrorCode.s3`).
    @Test func noErrorCodeIsSpelledAsAStringOutsideTheRegistry() throws {
        let registered = Set(ErrorCode.all.map(\.rawValue))
        var offenders: [String] = []
        let files = try Self.sourceFiles()
        #expect(files.count > 100, "Sources/ not found at \(Self.sources.path)")
        for (path, text) in files where path != Self.registryFile && !path.hasPrefix("SkylarkSandbox/") {
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let place = "\(path):\(index + 1): \(line.trimmingCharacters(in: .whitespaces))"
                if line.contains("code: \""), !line.contains("S3Error(code: \"") { offenders.append(place) }
                for literal in line.matches(of: /"([A-Z][A-Z0-9_]*)"/) where registered.contains(String(literal.output.1)) {
                    offenders.append(place)
                }
            }
        }
        #expect(offenders.isEmpty, "\(offenders.joined(separator: "\n"))")
    }

    @Test func aRawValueReadBackIsTheRegisteredCodeWithItsClassAndRetryability() {
        let code = ErrorCode(rawValue: "CHECKPOINT_IO")
        #expect(code == .checkpointIO)
        #expect(code.exit == .fatal && !code.retryable && code.isRegistered)
        #expect(ErrorCode(rawValue: "CANCELLED").exit == .interrupted)
        #expect(ErrorCode(rawValue: "USAGE_SHARD").exit == .usage)
        #expect(ErrorCode(rawValue: "SKYLARK_ASSET_NOT_FOUND").exit == .itemFailure)
        #expect(ErrorCode(rawValue: "SKYLARK_RATE_LIMITED").retryable)
    }

    @Test func unregisteredCodesAreDerivedByFamily() {
        // Manifest diagnostics (their rule ids) are usage errors; anything else unknown is fatal.
        let rule = ErrorCode(rawValue: DiagnosticRule.duplicateKey)
        #expect(rule.rawValue == "MANIFEST_DUPLICATE_KEY" && rule.exit == .usage && !rule.isRegistered)
        #expect(ErrorCode(rawValue: "SOMETHING_NEW").exit == .fatal)
        #expect(!ErrorCode(rawValue: "SOMETHING_NEW").retryable)
    }

    @Test func s3CodesMapThroughOneFunction() {
        #expect(ErrorCode.s3("SlowDown").rawValue == "S3_SLOW_DOWN")
        #expect(ErrorCode.s3("NoSuchUpload").rawValue == "S3_NO_SUCH_UPLOAD")
        #expect(ErrorCode.s3("Http503").rawValue == "S3_HTTP503")
        #expect(ErrorCode.s3("SignatureDoesNotMatch") == .s3SignatureMismatch)
        #expect(ErrorCode.s3("InvalidAccessKeyId") == .s3InvalidAccessKey)
        #expect(ErrorCode.s3("AccessDenied").exit == .fatal)
    }

    @Test func anErrorsCodeIsWrittenAsItsBareWireString() throws {
        let error = IngestError(code: .checkpointIO, message: "m")
        let json = String(decoding: try JSONEncoder().encode(error), as: UTF8.self)
        #expect(json.contains("\"code\":\"CHECKPOINT_IO\""))
        let back = try JSONDecoder().decode(IngestError.self, from: Data(json.utf8))
        #expect(back.code == .checkpointIO)
    }

    @Test func retryabilityDefaultsToTheCodesAndCanBeOverridden() {
        #expect(IngestError(code: .netTimeout, message: "m").retryable)
        #expect(!IngestError(code: .checkpointIO, message: "m").retryable)
        #expect(!IngestError(code: .netTimeout, message: "m", retryable: false).retryable)
    }
}
