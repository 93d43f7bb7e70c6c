import Foundation
import IngestTestSupport

/// A generated catalogue (manifest + media) for end-to-end runs, made by `scripts/make-catalogue.py`.
struct Catalogue {
    let directory: TempDirectory
    let manifestPath: String
    let advancedIDs: [String]
    let simpleIDs: [String]
    let subtitlesPerAsset: Int
    /// The items whose videos are large (multipart uploads).
    let largeIDs: [String]

    /// Generates `assets` advanced items (the first `large` with `largeBytes` videos) and `simple` simple ones.
    static func generate(assets: Int, simple: Int = 0, large: Int = 0, largeBytes: Int = 20 * 1024 * 1024,
                         subtitles: Int = 2, prefix: String = "cat", seed: Int = 1) async throws -> Catalogue {
        let dir = try TempDirectory(prefix: "catalogue")
        let script = RepositoryPaths.root.appendingPathComponent("scripts/make-catalogue.py").path
        let result = try await ProcessRunner.run(ProcessRunner.which("python3") ?? "/usr/bin/python3", [
            script, dir.url.path, "--assets", "\(assets)", "--simple", "\(simple)", "--large", "\(large)",
            "--large-bytes", "\(largeBytes)", "--subtitles", "\(subtitles)", "--prefix", prefix, "--seed", "\(seed)",
        ])
        guard result.exitCode == 0 else { throw CatalogueError.generatorFailed(result.stderr) }
        return Catalogue(
            directory: dir, manifestPath: dir.path("manifest.yaml"),
            advancedIDs: (0..<assets).map { String(format: "\(prefix)-%05d", $0) },
            simpleIDs: (0..<simple).map { String(format: "\(prefix)-simple-%05d", $0) },
            subtitlesPerAsset: subtitles,
            largeIDs: (0..<min(large, assets)).map { String(format: "\(prefix)-%05d", $0) })
    }

    /// Every item's S3 key (the video's file name).
    var keys: [String] { (advancedIDs + simpleIDs).map { "\($0).mp4" } }

    /// The local path of an item's video.
    func videoPath(_ id: String) -> String { directory.path("media/\(id).mp4") }
}

enum CatalogueError: Error {
    case generatorFailed(String)
}

/// Paths inside the repository, found from this source file.
enum RepositoryPaths {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
