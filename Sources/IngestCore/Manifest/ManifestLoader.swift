import Foundation

/// Loads a manifest (YAML or CSV) into the one `Manifest` model, with every problem found on the way.
public enum ManifestLoader {
    /// Reads the file at `path` and loads it; the format comes from the extension (`.yaml`/`.yml`, `.csv`).
    public static func load(path: String) -> ManifestLoadResult {
        let start = SourceLocation(file: path, line: 1, column: 1)
        guard let format = format(forPath: path) else {
            return ManifestLoadResult(manifest: nil, diagnostics: [.error(
                DiagnosticRule.syntax, "cannot tell the manifest's format from its name",
                hint: "name it `.yaml`, `.yml` or `.csv`", at: start)])
        }
        switch FileProbe.readAll(path) {
        case .success(let bytes):
            return load(bytes: bytes, path: path, format: format)
        case .failure(let problem):
            return ManifestLoadResult(manifest: nil, diagnostics: [problem.diagnostic(at: start, what: "manifest")])
        }
    }

    /// Loads a manifest from `bytes`; `path` names it in diagnostics and anchors relative paths. Pure.
    public static func load(bytes: [UInt8], path: String, format: ManifestFormat) -> ManifestLoadResult {
        load(bytes: bytes, path: path, format: format, paths: ManifestPaths(manifestPath: path))
    }

    /// Loads a manifest from `bytes` with paths resolved by `paths`. Pure.
    public static func load(bytes: [UInt8], path: String, format: ManifestFormat,
                            paths: ManifestPaths) -> ManifestLoadResult {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let problem = TextEncoding.firstProblem(in: body) {
            let location = TextEncoding.location(ofOffset: problem.offset, in: body, file: path)
            return ManifestLoadResult(manifest: nil, diagnostics: [.error(
                DiagnosticRule.encoding, problem.message,
                hint: "save the manifest as UTF-8 text", at: location)])
        }
        switch format {
        case .yaml:
            // libyaml reads the bytes in place (checked UTF-8 above): no second copy of the manifest as a String.
            return body.withUnsafeBufferPointer { YAMLManifestLoader.load(buffer: $0, path: path, paths: paths) }
        case .csv:
            return CSVManifestLoader.load(bytes: body, path: path, paths: paths)
        }
    }

    /// The format a manifest path implies, or nil for an unknown extension.
    public static func format(forPath path: String) -> ManifestFormat? {
        switch ManifestPaths.fileExtension(of: path) {
        case "yaml", "yml": return .yaml
        case "csv": return .csv
        default: return nil
        }
    }
}

/// UTF-8 checks shared by the manifest loaders.
enum TextEncoding {
    struct Problem {
        var offset: Int
        var message: String
    }

    /// The first NUL byte or invalid UTF-8 sequence in `bytes`, or nil when the text is clean UTF-8.
    static func firstProblem(in bytes: ArraySlice<UInt8>) -> Problem? {
        bytes.withUnsafeBufferPointer { scan($0) }
    }

    private static func scan(_ buffer: UnsafeBufferPointer<UInt8>) -> Problem? {
        var i = 0
        let n = buffer.count
        while i < n {
            let b = buffer[i]
            if b < 0x80 {
                if b == 0 { return Problem(offset: i, message: "the manifest contains a NUL byte (binary data?)") }
                i += 1
                continue
            }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07)
            default: return invalid(at: i, byte: b)
            }
            guard i + length <= n else { return invalid(at: i, byte: b) }
            for k in 1..<length {
                let c = buffer[i + k]
                guard c & 0xC0 == 0x80 else { return invalid(at: i, byte: b) }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) {
                return invalid(at: i, byte: b)
            }
            i += length
        }
        return nil
    }

    private static func invalid(at offset: Int, byte: UInt8) -> Problem {
        let hex = String(byte, radix: 16, uppercase: true)
        return Problem(offset: offset, message: "the manifest is not valid UTF-8 (byte 0x\(hex.count == 1 ? "0" + hex : hex))")
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    static func location(ofOffset offset: Int, in bytes: ArraySlice<UInt8>, file: String) -> SourceLocation {
        var line = 1, column = 1
        var index = bytes.startIndex
        let end = bytes.index(bytes.startIndex, offsetBy: min(offset, bytes.count))
        while index < end {
            let b = bytes[index]
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
