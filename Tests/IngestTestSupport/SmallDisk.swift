import Foundation

/// A tmpfs of a few KiB, mounted for one test and removed after it.
public struct SmallDisk: Sendable {
    public let path: String

    public static func canMount() async -> Bool {
        guard getuid() == 0, let disk = try? await SmallDisk(kilobytes: 4) else { return false }
        disk.remove()
        return true
    }

    public init(kilobytes: Int) async throws {
        path = NSTemporaryDirectory() + "smalldisk-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let result = try await ProcessRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", path])
        guard result.exitCode == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// Unmounts (umount(2) directly: a blocking syscall of microseconds, no child process) and removes.
    public func remove() {
        _ = umount(path)
        try? FileManager.default.removeItem(atPath: path)
    }
}
