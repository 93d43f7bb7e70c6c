import CryptoPrimitives
import Foundation

/// The sandbox's state directory: `state.json` (written atomically), `signing.key`, uploaded `media/`.
struct StateDirectory: Sendable {
    let path: String

    var stateFile: String { "\(path)/state.json" }
    var keyFile: String { "\(path)/signing.key" }
    var mediaDirectory: String { "\(path)/media" }

    init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// The persisted state, nil when there is none yet.
    func loadState() throws -> SandboxState? {
        guard FileManager.default.fileExists(atPath: stateFile) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: stateFile))
        return try Self.decoder.decode(SandboxState.self, from: data)
    }

    /// Writes `state` to a temporary file, fsyncs it and renames it over `state.json`.
    func save(_ state: SandboxState) throws {
        let data = try Self.encoder.encode(state)
        try Self.writeAtomically(data, to: stateFile)
    }

    /// The token signing key, created (32 random bytes) on first use.
    func signingKey() throws -> [UInt8] {
        if let text = try? String(contentsOfFile: keyFile, encoding: .utf8),
           let key = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), key.count == 32 {
            return key
        }
        let key = SecureRandom.bytes(32)
        try Self.writeAtomically(Data(Hex.encode(key).utf8), to: keyFile)
        return key
    }

    /// Stores an uploaded document file under `media/documents/<uid>/<name>`.
    func saveMedia(uid: String, fileName: String, bytes: [UInt8]) throws {
        let folder = "\(mediaDirectory)/documents/\(uid)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.writeAtomically(Data(bytes), to: "\(folder)/\(fileName)")
    }

    /// The bytes of an uploaded document file, if present.
    func media(uid: String, fileName: String) -> Data? {
        FileManager.default.contents(atPath: "\(mediaDirectory)/documents/\(uid)/\(fileName)")
    }

    /// Removes uploaded media (reset).
    func removeMedia() {
        try? FileManager.default.removeItem(atPath: mediaDirectory)
    }

    static func writeAtomically(_ data: Data, to path: String) throws {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary]) }
        var failed = false
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { failed = true; return }
                offset += n
            }
        }
        if fsync(fd) != 0 { failed = true }
        close(fd)
        guard !failed, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
