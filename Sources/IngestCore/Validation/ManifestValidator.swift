import Foundation

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
            if checkFiles {
                // The pure rules run on a GCD worker while this thread does the file checks.
                let ruleResults = RuleResults()
                let group = DispatchGroup()
                DispatchQueue.global().async(group: group) { ruleResults.set(rules(manifest)) }
                var fileDiagnostics: [Diagnostic] = []
                FileChecks.check(manifest, paths: paths, probeWidth: probeWidth, into: &fileDiagnostics)
                group.wait()
                diagnostics += ruleResults.get()
                diagnostics += fileDiagnostics
            } else {
                diagnostics += rules(manifest)
            }
        }
        return ValidationResult(manifest: loaded.manifest, diagnostics: sorted(diagnostics, manifestPath: path))
    }

    /// Every pure rule over a loaded manifest (no file-system access).
    public static func rules(_ manifest: Manifest) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for asset in manifest.assets {
            ItemRules.check(asset, into: &diagnostics)
            LanguageRules.check(asset, format: manifest.format, into: &diagnostics)
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

/// The rule diagnostics handed from the worker that computed them.
/// `@unchecked Sendable`: every access holds `lock`.
private final class RuleResults: @unchecked Sendable {
    private let lock = NSLock()
    private var diagnostics: [Diagnostic] = []

    func set(_ value: [Diagnostic]) {
        lock.lock()
        diagnostics = value
        lock.unlock()
    }

    func get() -> [Diagnostic] {
        lock.lock()
        defer { lock.unlock() }
        return diagnostics
    }
}
