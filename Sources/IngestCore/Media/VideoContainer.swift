/// A video container family recognised from a file's first bytes.
public enum VideoContainer: String, Sendable, Hashable, CaseIterable {
    /// ISO base media file format: MP4, QuickTime MOV, M4V, 3GP (an `ftyp` box, or an old QuickTime first box).
    case isoBMFF
    /// Material Exchange Format (an MXF header partition pack).
    case mxf
    /// Matroska (EBML with DocType `matroska`).
    case matroska
    /// WebM (EBML with DocType `webm`).
    case webm
    /// MPEG transport stream, plain 188-byte packets or M2TS 192-byte packets.
    case mpegTS

    /// How many leading bytes `sniff` needs at most.
    public static let sniffLength = 4096

    /// The container `header` (a file's first bytes, up to `sniffLength`) belongs to; nil when none is recognised.
    public static func sniff(_ header: [UInt8]) -> VideoContainer? {
        let bytes = header.count > sniffLength ? Array(header[0..<sniffLength]) : header
        if ContainerSniffer.isISOBMFF(bytes) { return .isoBMFF }
        if let ebml = ContainerSniffer.ebmlDocType(bytes) {
            switch ebml {
            case "matroska": return .matroska
            case "webm": return .webm
            default: return nil
            }
        }
        if ContainerSniffer.isMXF(bytes) { return .mxf }
        if ContainerSniffer.isMPEGTS(bytes) { return .mpegTS }
        return nil
    }

    /// The containers a file extension promises (case-insensitive, with or without the dot);
    /// nil when the extension is not a known video extension.
    public static func expected(forExtension ext: String) -> Set<VideoContainer>? {
        let bare = ext.hasPrefix(".") ? String(ext.dropFirst()) : ext
        switch bare.lowercased() {
        case "mp4", "m4v", "mov", "qt", "3gp", "3g2", "f4v": return [.isoBMFF]
        case "mxf": return [.mxf]
        case "mkv": return [.matroska, .webm]
        case "webm": return [.webm]
        case "ts", "m2ts", "mts", "m2t", "tsv", "trp": return [.mpegTS]
        default: return nil
        }
    }

    /// A name for messages, e.g. `ISO-BMFF (MP4/MOV)`.
    public var displayName: String {
        switch self {
        case .isoBMFF: return "ISO-BMFF (MP4/MOV)"
        case .mxf: return "MXF"
        case .matroska: return "Matroska"
        case .webm: return "WebM"
        case .mpegTS: return "MPEG-TS"
        }
    }
}
