import Foundation

/// Finds the test vectors copied under `Tests/S3Tests/Vectors` (bundled as a resource).
enum Vectors {
    /// The folder `Vectors/<name>` in the test bundle.
    static func directory(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Vectors").appendingPathComponent(name)
    }

    /// The case folders (or files with `ext`) directly inside `Vectors/<name>`, sorted.
    static func entries(_ name: String, ext: String? = nil) -> [URL] {
        let dir = directory(name)
        let items = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
        return items.filter { url in
            if let ext { return url.pathExtension == ext }
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
        }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
