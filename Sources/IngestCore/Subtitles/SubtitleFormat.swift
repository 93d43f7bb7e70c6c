/// A subtitle file format the checker understands.
public enum SubtitleFormat: String, Sendable, Hashable, CaseIterable {
    /// SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm` timing lines.
    case srt
    /// WebVTT: a `WEBVTT` header, optional cue identifiers, `[HH:]MM:SS.mmm` timings and cue settings.
    case webvtt

    /// The format implied by `path`'s extension (`.srt`, `.vtt`, case-insensitive); nil for anything else.
    public static func from(path: String) -> SubtitleFormat? {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "srt": return .srt
        case "vtt": return .webvtt
        default: return nil
        }
    }

    /// The usual file extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .srt: return "srt"
        case .webvtt: return "vtt"
        }
    }
}
