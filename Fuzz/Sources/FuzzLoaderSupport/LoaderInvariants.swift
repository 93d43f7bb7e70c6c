import IngestCore

/// Invariants every manifest load must satisfy, whatever the input.
public enum LoaderInvariants {
    /// Loads `bytes` as a manifest in `format`, runs the pure validation rules, and verifies both results.
    public static func run(_ bytes: [UInt8], format: ManifestFormat) {
        let path = format == .yaml ? "/fuzz/manifest.yaml" : "/fuzz/manifest.csv"
        let result = ManifestLoader.load(bytes: bytes, path: path, format: format)
        let lineCount = bytes.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
        for diagnostic in result.diagnostics {
            let location = diagnostic.location
            precondition(!diagnostic.rule.isEmpty && diagnostic.rule.utf8.allSatisfy {
                ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39)
            }, "rule is not UPPER_SNAKE: \(diagnostic.rule)")
            precondition(location.line >= 1 && location.line <= lineCount + 1,
                         "line \(location.line) outside 1...\(lineCount + 1)")
            precondition(location.column >= 1 && location.column <= bytes.count + 2,
                         "column \(location.column) out of range")
            precondition(!diagnostic.message.isEmpty, "empty message")
        }
        if result.manifest == nil {
            precondition(result.diagnostics.contains { $0.severity == .error }, "no manifest and no error")
        }
        // The pure rules over whatever loaded (no file-system checks).
        let validated = ManifestValidator.validate(bytes: bytes, path: path, format: format, checkFiles: false)
        for diagnostic in validated.diagnostics {
            precondition(diagnostic.location.line >= 1 && diagnostic.location.line <= lineCount + 1,
                         "rule \(diagnostic.rule) at line \(diagnostic.location.line) outside 1...\(lineCount + 1)")
            precondition(diagnostic.location.column >= 1, "rule \(diagnostic.rule) at column \(diagnostic.location.column)")
        }
        precondition(validated.hasErrors || result.manifest != nil, "no manifest but valid")
    }
}
