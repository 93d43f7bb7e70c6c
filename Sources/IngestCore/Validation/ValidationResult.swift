/// The outcome of validating a manifest: the model (when it loaded) and its diagnostics, sorted and
/// capped at `maxDiagnostics` so that a hostile or badly broken manifest cannot flood the output (or
/// memory): the rest are counted, and the totals and the verdict still include them.
public struct ValidationResult: Sendable {
    /// How many diagnostics are kept; the others are only counted (`suppressedCount`).
    public static let maxDiagnostics = 1_000

    public var manifest: Manifest?
    /// The first `maxDiagnostics` diagnostics, sorted by position: the manifest's own first, then each
    /// other file, by line and column.
    public private(set) var diagnostics: [Diagnostic]
    /// Errors and warnings beyond the cap, counted but not kept.
    public private(set) var suppressedErrors = 0
    public private(set) var suppressedWarnings = 0

    /// Keeps at most `maxDiagnostics` of `diagnostics`, in the order given, and counts the rest. Errors
    /// come before warnings: the first errors are kept, then the first warnings while there is room, so
    /// a flood of warnings never hides an error.
    public init(manifest: Manifest?, diagnostics: [Diagnostic]) {
        self.manifest = manifest
        guard diagnostics.count > Self.maxDiagnostics else {
            self.diagnostics = diagnostics
            return
        }
        let errors = diagnostics.count { $0.severity == .error }
        var errorRoom = min(errors, Self.maxDiagnostics)
        var warningRoom = Self.maxDiagnostics - errorRoom
        suppressedErrors = errors - errorRoom
        suppressedWarnings = diagnostics.count - errors - warningRoom
        var kept: [Diagnostic] = []
        kept.reserveCapacity(Self.maxDiagnostics)
        for diagnostic in diagnostics {
            switch diagnostic.severity {
            case .error where errorRoom > 0:
                errorRoom -= 1
                kept.append(diagnostic)
            case .warning where warningRoom > 0:
                warningRoom -= 1
                kept.append(diagnostic)
            default:
                continue
            }
        }
        self.diagnostics = kept
    }

    /// Appends `more` (e.g. the online checks' findings) within the cap, counting what does not fit.
    public mutating func add(_ more: [Diagnostic]) {
        let room = max(0, Self.maxDiagnostics - diagnostics.count)
        diagnostics += more.prefix(room)
        for diagnostic in more.dropFirst(room) {
            switch diagnostic.severity {
            case .error: suppressedErrors += 1
            case .warning: suppressedWarnings += 1
            }
        }
    }

    /// How many diagnostics were found beyond the ones kept.
    public var suppressedCount: Int { suppressedErrors + suppressedWarnings }
    /// Whether any diagnostic, kept or not, is an error (warnings alone leave a manifest valid).
    public var hasErrors: Bool { errorCount > 0 }
    /// The number of errors, kept or not.
    public var errorCount: Int { diagnostics.count { $0.severity == .error } + suppressedErrors }
    /// The number of warnings, kept or not.
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } + suppressedWarnings }
}
