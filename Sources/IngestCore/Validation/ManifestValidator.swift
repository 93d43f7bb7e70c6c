/// Offline validation: load, structural and item rules, cross-item rules, then file checks.
public enum ManifestValidator {
    /// Validates the manifest at `path`; `checkFiles: false` skips every file-system check.
    /// `probeWidth` files are probed at once (`FileChecks.defaultProbeWidth`); the output does not depend on it.
    public static func validate(path: String, checkFiles: Bool = true,
                                probeWidth: Int = FileChecks.defaultProbeWidth) -> ValidationResult {
        let loaded = ManifestLoader.load(path: path)
        return validate(loaded: loaded, path: path, paths: ManifestPaths(manifestPath: path), checkFiles: checkFiles,
                        probeWidth: probeWidth)
    }

    /// Validates manifest `bytes` (named `path`); pure unless `checkFiles`.
    public static func validate(bytes: [UInt8], path: String, format: ManifestFormat,
                                checkFiles: Bool = false, probeWidth: Int = FileChecks.defaultProbeWidth) -> ValidationResult {
        let paths = ManifestPaths(manifestPath: path)
        let loaded = ManifestLoader.load(bytes: bytes, path: path, format: format, paths: paths)
        return validate(loaded: loaded, path: path, paths: paths, checkFiles: checkFiles, probeWidth: probeWidth)
    }

    static func validate(loaded: ManifestLoadResult, path: String, paths: ManifestPaths,
                         checkFiles: Bool, probeWidth: Int = FileChecks.defaultProbeWidth) -> ValidationResult {
        var diagnostics = loaded.diagnostics
        if let manifest = loaded.manifest {
            // On the caller's thread (a dedicated one: validation blocks on file reads), the rules first,
            // then the file checks: no GCD worker to block on, and the rules' indexes (four hash tables
            // of every item) are freed before the probe plan is built, so the two never add up.
            diagnostics += rules(manifest)
            if checkFiles { FileChecks.check(manifest, paths: paths, probeWidth: probeWidth, into: &diagnostics) }
        }
        return ValidationResult(manifest: loaded.manifest, diagnostics: sorted(diagnostics, manifestPath: path))
    }

    /// Every pure rule over a loaded manifest (no file-system access).
    public static func rules(_ manifest: Manifest) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        // Through the buffer: iterating the array copies every item (a dozen retains and releases each).
        manifest.assets.withUnsafeBufferPointer { assets in
            for index in assets.indices {
                ItemRules.check(assets[index], into: &diagnostics)
                LanguageRules.check(assets[index], format: manifest.format, into: &diagnostics)
            }
        }
        UniquenessRules.check(manifest.assets, into: &diagnostics)
        return diagnostics
    }

    /// Manifest diagnostics first, then other files by name; within a file by line, column, then rule.
    static func sorted(_ diagnostics: [Diagnostic], manifestPath: String) -> [Diagnostic] {
        diagnostics.sorted { a, b in
            let aOwn = a.location.file == manifestPath, bOwn = b.location.file == manifestPath
            if aOwn != bOwn { return aOwn }
            if a.location.file != b.location.file { return a.location.file < b.location.file }
            if a.location.line != b.location.line { return a.location.line < b.location.line }
            if a.location.column != b.location.column { return a.location.column < b.location.column }
            return a.rule < b.rule
        }
    }
}
