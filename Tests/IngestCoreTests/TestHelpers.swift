import Foundation
import IngestTestSupport
@testable import IngestCore

/// Loads manifest text given inline (no file system), as if it lived at `path`.
func loadManifest(_ text: String, path: String = "/m/manifest.yaml", format: ManifestFormat = .yaml) -> ManifestLoadResult {
    ManifestLoader.load(bytes: Array(text.utf8), path: path, format: format)
}

/// Validates manifest text given inline without touching files.
func validateManifest(_ text: String, path: String = "/m/manifest.yaml", format: ManifestFormat = .yaml) -> ValidationResult {
    ManifestValidator.validate(bytes: Array(text.utf8), path: path, format: format, checkFiles: false)
}

extension Array where Element == Diagnostic {
    /// The rule ids, in order.
    var rules: [String] { map(\.rule) }

    /// `LINE:COL RULE` strings, in order: compact to compare.
    var positions: [String] { map { "\($0.location.line):\($0.location.column) \($0.rule)" } }
}

/// The repository's root folder (tests read `manifests/` and `schemas/` from it).
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

